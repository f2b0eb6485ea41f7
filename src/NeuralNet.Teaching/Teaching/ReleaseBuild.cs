using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace NeuralNet.Teaching;

/// <summary>What <see cref="ReleaseBuild.TimeKernel"/> measured.</summary>
/// <param name="Gflops">GFLOP/s of each timed run (the program's thread CPU time).</param>
/// <param name="Correct">Whether the kernel's product matched a double-precision reference on a 13x17·17x19 case.</param>
/// <param name="Listing">The JIT's assembly code for <c>Multiply</c> (DOTNET_JitDisasm), or null if not asked for.</param>
public sealed record ReleaseTiming(Spread Gflops, bool Correct, string? Listing);

/// <summary>
/// Runs a kernel the way the library's kernels run: compiled with the optimiser on, in a program of its own.
/// Code typed into a notebook cell is compiled for debugging (in .NET Interactive and in our runner alike): the
/// JIT then keeps every variable in memory and optimises nothing, so a kernel timed in a cell is much slower than
/// the same code in a library. This helper writes the kernel into a small C# file-based program, builds it with
/// <c>dotnet build -c Release</c> (the .NET SDK, which the chapters need anyway), runs it and reads its results.
/// </summary>
public static class ReleaseBuild
{
    /// <summary>True when the JIT compiles <paramref name="method"/>'s code without optimising it, as it does
    /// for code compiled for debugging (the assembly's <see cref="DebuggableAttribute"/> says so).</summary>
    public static bool IsJitOptimizerDisabled(Delegate method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return method.Method.Module.Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled ?? false;
    }

    /// <summary>
    /// Builds <paramref name="kernelSource"/> in Release and times it on <paramref name="size"/> x <paramref name="size"/>
    /// matrices. The source must declare <c>static void Multiply(float[] A, float[] B, float[] C, int m, int k, int n)</c>
    /// (row-major, C = A·B; C arrives holding old values). The first build takes some seconds.
    /// </summary>
    /// <param name="listing">Also return the JIT's assembly code for <c>Multiply</c>.</param>
    /// <exception cref="InvalidOperationException">The kernel did not compile (the message holds the compiler's errors), or the program failed.</exception>
    public static ReleaseTiming TimeKernel(string kernelSource, int size, int runs = 5, bool listing = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kernelSource);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runs);
        string program = Harness.Replace("/*KERNEL*/", kernelSource);
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(program)))[..16];
        string folder = Path.Combine(Path.GetTempPath(), "neuralnet-release-kernels", hash);
        BuildOnce(folder, program);
        string listingFile = Path.Combine(folder, $"listing-{Guid.NewGuid():N}.txt");
        var environment = listing
            ? new Dictionary<string, string> { ["DOTNET_JitDisasm"] = "*Multiply*", ["DOTNET_JitStdOutFile"] = listingFile, ["DOTNET_TieredCompilation"] = "0" }
            : new Dictionary<string, string>();
        var (exit, result) = Run(folder, ["exec", Path.Combine(folder, "bin", "Kernel.dll"), $"{size}", $"{runs}"], environment);
        if (exit != 0) throw new InvalidOperationException($"The kernel's program failed (exit code {exit}):\n{result}");
        string[] lines = result.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        bool correct = lines.Contains("correct");
        double[] gflops = lines.Single(l => l.StartsWith("gflops ")).Split(' ').Skip(1)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        string? listingText = listing && File.Exists(listingFile) ? File.ReadAllText(listingFile) : null;
        File.Delete(listingFile);
        return new ReleaseTiming(new Spread(gflops), correct, listingText);
    }

    // Builds the program into folder/bin unless an earlier call did; two notebooks may build the same kernel at once.
    private static void BuildOnce(string folder, string program)
    {
        Directory.CreateDirectory(folder);
        using FileStream buildLock = Lock(Path.Combine(folder, "build.lock"));
        string output = Path.Combine(folder, "bin"), source = Path.Combine(folder, "Kernel.cs");
        if (File.Exists(Path.Combine(output, "Kernel.dll"))) return;
        File.WriteAllText(source, program);
        var (code, text) = Run(folder, ["build", "-c", "Release", "-nologo", "-v", "q", source, "-o", output], []);
        if (code != 0)
            throw new InvalidOperationException("The kernel did not compile:\n" + string.Join("\n",
                text.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(10)));
    }

    // An exclusive handle on a file: other processes wait (up to 5 minutes) until it is disposed.
    private static FileStream Lock(string path)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                Thread.Sleep(200);
            }
        }
    }

    private static (int ExitCode, string Output) Run(string folder, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // The notebook's own process may carry MSBuild settings of the frontend that launched it: not the child's.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} took more than 3 minutes.");
        }
        return (process.ExitCode, output + error.Result);
    }

    // The program around the kernel: a correctness check, then `runs` timed runs on the thread's CPU time.
    // (File-based programs default to native AOT, whose compiler package restore would download: not needed to run.)
    private const string Harness = """
        #:property PublishAot=false
        using System.Globalization;
        using System.Runtime.InteropServices;

        int size = int.Parse(args[0]), runs = int.Parse(args[1]);
        Console.WriteLine(Check.Correct(Multiply) ? "correct" : "wrong");
        float[] A = Check.Random(size * size, 1), B = Check.Random(size * size, 2), C = new float[size * size];
        Multiply(A, B, C, size, size, size);   // warm-up
        var gflops = new List<string>();
        for (int r = 0; r < runs; r++)
        {
            double start = Check.CpuSeconds();
            Multiply(A, B, C, size, size, size);
            gflops.Add((2.0 * size * size * size / (Check.CpuSeconds() - start) / 1e9).ToString(CultureInfo.InvariantCulture));
        }
        Console.WriteLine("gflops " + string.Join(' ', gflops));

        /*KERNEL*/

        static class Check
        {
            public static float[] Random(int length, int seed)
            {
                var random = new Random(seed);
                return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            }

            public static bool Correct(Action<float[], float[], float[], int, int, int> multiply)
            {
                const int m = 13, k = 17, n = 19;
                float[] a = Random(m * k, 3), b = Random(k * n, 4), c = Random(m * n, 5);
                multiply(a, b, c, m, k, n);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double sum = 0;
                        for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * b[p * n + j];
                        if (Math.Abs(c[i * n + j] - sum) > 1e-4 * k) return false;
                    }
                return true;
            }

            [StructLayout(LayoutKind.Sequential)] struct TimeSpec { public long Seconds, Nanoseconds; }
            [DllImport("libc", EntryPoint = "clock_gettime")] static extern int ClockGetTime(int clock, out TimeSpec time);

            // The thread's CPU time on Linux (clock 3), else the wall clock.
            public static double CpuSeconds()
            {
                if (OperatingSystem.IsLinux() && ClockGetTime(3, out TimeSpec t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
                return System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency;
            }
        }
        """;
}

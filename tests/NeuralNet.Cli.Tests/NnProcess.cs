using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using NeuralNet.Data;

namespace NeuralNet.Cli.Tests;

/// <summary>What a child <c>nn</c> process did: its exit code (128 + the signal when a signal ended it), output and time.</summary>
public sealed record ProcessRun(int ExitCode, string Out, string Err, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.00} s\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>
/// Runs the built <c>nn</c> (nn.dll beside the tests) as a child process: for what only a real process shows —
/// signals (Ctrl+C is SIGINT, <c>docker stop</c> SIGTERM), the file-size limit, a memory limit.
/// </summary>
public static class NnProcess
{
    public const int SigInt = 2, SigTerm = 15;

    /// <summary>
    /// Runs <c>nn</c> with <paramref name="args"/>; if <paramref name="signalWhen"/> appears in its output (stdout
    /// or stderr), sends it <paramref name="signal"/> at that moment. <paramref name="shellPrefix"/>, e.g.
    /// <c>ulimit -f 2000;</c>, runs before it in /bin/sh. Killed after <paramref name="timeout"/>.
    /// </summary>
    public static ProcessRun Run(string[] args, string? signalWhen = null, int signal = SigInt, string? shellPrefix = null,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        string nn = Path.Combine(AppContext.BaseDirectory, "nn.dll");
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{shellPrefix} exec \"$0\" \"$@\"");
        start.ArgumentList.Add(DotnetHost);
        start.ArgumentList.Add(nn);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment[DataDirectory.EnvironmentVariable] = DataDirectory.Resolve();
        // Under `ulimit -f` the runtime's write-xor-execute mapping (a memory file as large as the code heap) fails to start.
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        EnsureChildrenGetDefaultCtrlC();

        var output = new StringBuilder();
        var error = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        bool signalled = false;
        void Watch(StringBuilder into, string? line)
        {
            if (line is null) return;
            lock (into) into.AppendLine(line);
            if (signalWhen is null || signalled || !line.Contains(signalWhen)) return;
            signalled = true;
            kill(process.Id, signal);
        }
        process.OutputDataReceived += (_, e) => Watch(output, e.Data);
        process.ErrorDataReceived += (_, e) => Watch(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProcessRun(-1, output.ToString(), error + "\n(killed by the test: timed out)", clock.Elapsed);
        }
        process.WaitForExit();   // drains the output events
        return new ProcessRun(process.ExitCode, output.ToString(), error.ToString(), clock.Elapsed);
    }

    /// <summary>Whether the tests run as root (device nodes can then be made with mknod).</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>Runs a shell command (mknod, mkfifo, chmod) and fails the test if it fails.</summary>
    public static void Shell(string command)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command}: {error}");
    }

    /// <summary>What <c>stat -c %F</c> says <paramref name="path"/> is: "regular file", "fifo", "character special file", ...</summary>
    public static string FileType(string path)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("%F");
        start.ArgumentList.Add(path);
        using Process process = Process.Start(start)!;
        string type = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return type;
    }

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    // A shell that runs the tests in the background starts them with SIGINT ignored, and children inherit that:
    // Ctrl+C could then not be tested. Give SIGINT its default action in this process, so children get it too.
    private static void EnsureChildrenGetDefaultCtrlC()
    {
        string status = File.ReadAllText("/proc/self/status");
        string ignored = status.Split('\n').First(l => l.StartsWith("SigIgn:")).Split(':')[1].Trim();
        if ((Convert.ToUInt64(ignored, 16) & (1UL << (SigInt - 1))) != 0) signal(SigInt, IntPtr.Zero);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [DllImport("libc")]
    private static extern IntPtr signal(int signal, IntPtr handler);

    [DllImport("libc")]
    private static extern uint geteuid();
}

using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// The learner's path: a git clone of this repository's HEAD (plus uncommitted edits of tracked files, so a
/// contributor tests what they changed) in a temporary folder, with no <c>data/</c>, no <c>bin/</c>, no
/// <c>obj/</c> and no <c>out/</c>. The chapters run there in the real kernel in the order a learner runs them:
/// chapter 1's setup cell builds the libraries and its <c>Mnist.Load()</c> fetches MNIST through the library's
/// own fallbacks into the clone's <c>data/</c>; each later chapter finds what the earlier ones left.
/// <see cref="KernelChapterTests"/> asks for one chapter at a time, in whatever order xunit picks; the clone runs
/// every earlier chapter first, once, and keeps each executed notebook.
/// </summary>
internal static class FreshClone
{
    /// <summary>Environment variables of the test process that must not reach the clone's kernel.</summary>
    private static readonly string[] LeakingPrefixes = ["NEURALNET_", "MSBUILD", "MSBuild", "VSTEST", "TESTINGPLATFORM"];

    private static readonly object Gate = new();
    private static readonly Dictionary<string, ChapterRun> Runs = [];
    private static string? root;

    /// <summary>One chapter executed in the clone: the kernel script's exit code and output, and the executed notebook.</summary>
    public sealed record ChapterRun(int ExitCode, string Output, string ExecutedNotebook, TimeSpan Elapsed);

    /// <summary>The clone's folder (created on first use, deleted by <see cref="FreshCloneCleanup"/> when the notebook tests end).</summary>
    public static string Root
    {
        get
        {
            lock (Gate)
            {
                return root ??= Create();
            }
        }
    }

    /// <summary>Runs <paramref name="chapter"/> in the clone's kernel after every chapter before it (each once).</summary>
    public static ChapterRun Run(string chapter, Func<string, string> parametersOf, ITestOutputHelper log)
    {
        lock (Gate)
        {
            string folder = Path.Combine(Root, "notebooks");
            foreach (string earlier in BookExporter.FindNotebooks(folder).Select(path => Path.GetFileName(path)).TakeWhile(name => name != chapter))
            {
                RunOnce(earlier, parametersOf, log);
            }

            return RunOnce(chapter, parametersOf, log);
        }
    }

    private static ChapterRun RunOnce(string chapter, Func<string, string> parametersOf, ITestOutputHelper log)
    {
        if (Runs.TryGetValue(chapter, out ChapterRun? done))
        {
            return done;
        }

        string executed = Path.Combine(Root, "executed", chapter);
        Directory.CreateDirectory(Path.GetDirectoryName(executed)!);
        var clock = Stopwatch.StartNew();
        (int exit, string output) = RunKernel([Kernel.Script, Path.Combine(Root, "notebooks", chapter), parametersOf(chapter), executed], TimeSpan.FromMinutes(30));
        var run = new ChapterRun(exit, output, executed, clock.Elapsed);
        log.WriteLine($"fresh clone: {chapter} ran in the kernel in {run.Elapsed.TotalSeconds:F1} s (exit {exit})");
        Runs[chapter] = run;
        return run;
    }

    private static string Create()
    {
        string source = ChapterTests.RepositoryRoot;
        string target = Directory.CreateTempSubdirectory("nn-fresh-clone-").FullName;
        Git(source, "clone", "--quiet", "--no-checkout", source, target);
        Git(target, "checkout", "--quiet", "--detach", Git(source, "rev-parse", "HEAD").Trim());
        // Uncommitted edits of tracked files go along (none in CI); untracked files do not, as in a real clone.
        string patch = Path.Combine(target, ".git", "working-tree.patch");
        File.WriteAllText(patch, Git(source, "diff", "HEAD", "--binary"));
        if (new FileInfo(patch).Length > 0)
        {
            Git(target, "apply", "--whitespace=nowarn", patch);
        }

        foreach (string generated in new[] { "data/mnist", "out", "src/NeuralNet/bin", "src/NeuralNet/obj" })
        {
            if (Directory.Exists(Path.Combine(target, generated)))
            {
                throw new InvalidOperationException($"the fresh clone in {target} already has {generated}/: it is not fresh");
            }
        }

        return target;
    }

    /// <summary>The kernel script, with the test process's NEURALNET_* and MSBuild variables left out of its environment.</summary>
    private static (int ExitCode, string Output) RunKernel(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Kernel.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string name in start.Environment.Keys.Where(name => LeakingPrefixes.Any(name.StartsWith)).ToList())
        {
            if (name != "NEURALNET_KERNEL_CELL_TIMEOUT")
            {
                start.Environment.Remove(name);
            }
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', arguments)} did not finish within {timeout.TotalMinutes} minutes");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {directory} failed ({process.ExitCode}): {stderr}");
        }

        return stdout.Result;
    }

    /// <summary>Deletes the clone, if one was made (a leftover temporary folder would be harmless).</summary>
    public static void Delete()
    {
        lock (Gate)
        {
            if (root is null)
            {
                return;
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            root = null;
            Runs.Clear();
        }
    }
}

/// <summary>Deletes the fresh clone when the notebook collection's tests are done (xunit disposes collection fixtures).</summary>
public sealed class FreshCloneCleanup : IDisposable
{
    public void Dispose() => FreshClone.Delete();
}

/// <summary>What only the fresh clone shows: chapter 1 fetched MNIST into the clone's own data folder.</summary>
[Collection(NotebookCollection.Name)]
public sealed class FreshCloneTests(ITestOutputHelper log)
{
    [KernelFact]
    public void Chapter_1_on_a_fresh_clone_fetches_MNIST_into_the_clones_own_data_folder()
    {
        Assert.True(Kernel.Missing is null, $"NEURALNET_REQUIRE_KERNEL=1 but the kernel cannot run: {Kernel.Missing}");
        FreshClone.ChapterRun run = FreshClone.Run("01-data-preparation.ipynb", KernelChapterTests.CiParameters, log);

        IReadOnlyList<KernelChapterTests.ExecutedCell> cells = KernelChapterTests.ExecutedCells(run.ExecutedNotebook);
        var problems = cells.SelectMany(KernelChapterTests.Problems).ToList();
        Assert.True(problems.Count == 0, "chapter 1 on a fresh clone:\n" + string.Join("\n", problems) + "\n" + run.Output);

        string dataFolder = Path.Combine(FreshClone.Root, "data", "mnist");
        string[] files = Directory.GetFiles(dataFolder).Select(Path.GetFileName).Order().ToArray()!;
        Assert.Equal(["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte"], files);

        KernelChapterTests.ExecutedCell listing = cells.Single(c => c.Source.Contains("DataDirectory.Resolve()", StringComparison.Ordinal));
        Assert.Contains($"data folder: {Path.Combine(FreshClone.Root, "data")}", Printed(listing));

        // The chapter logs where each file came from: all four must have been fetched and verified, none found in place.
        KernelChapterTests.ExecutedCell load = cells.Single(c => c.Source.Contains("Mnist.Load(", StringComparison.Ordinal));
        string[] cached = Printed(load).Split('\n').Where(line => line.Contains("verified and cached from", StringComparison.Ordinal)).ToArray();
        log.WriteLine($"Mnist.Load() on the fresh clone (fetch, verify, cache, read): {load.Seconds:F1} s\n  " + string.Join("\n  ", cached));
        Assert.Equal(4, cached.Length);
    }

    private static string Printed(KernelChapterTests.ExecutedCell cell) =>
        string.Concat(cell.Outputs.Where(o => o.TryGetProperty("text", out _)).Select(o => Text(o.GetProperty("text"))));

    private static string Text(JsonElement text) =>
        text.ValueKind == JsonValueKind.Array ? string.Concat(text.EnumerateArray().Select(l => l.GetString())) : text.GetString() ?? "";
}

/// <summary>A fact that needs the real kernel: skipped without it, unless <c>NEURALNET_REQUIRE_KERNEL=1</c>.</summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (Kernel.Missing is { } reason && !Kernel.Required)
        {
            Skip = $"The .NET Interactive kernel is not installed here ({reason}). Set NEURALNET_REQUIRE_KERNEL=1 to fail instead.";
        }
    }
}

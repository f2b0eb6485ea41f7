namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// Runs every chapter in <c>notebooks/</c> top to bottom with the notebook runner; a chapter added there is
/// picked up without editing this file. A chapter runs with CI-sized parameters when
/// <c>notebooks/ci-parameters.json</c> has an entry for it, e.g.
/// <code>{ "04-training.ipynb": { "epochs": 1, "trainingSamples": 5000 } }</code>
/// Each value overrides a top-level variable of the chapter's parameters cell (the code cell tagged
/// <c>parameters</c>), as <c>nn notebooks run --set epochs=1</c> does. A chapter without an entry runs as it is.
/// Outputs are not written back: the chapters in git stay as their authors saved them.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class ChapterTests
{
    private const string Sentinel = "(notebooks folder and ci-parameters.json)";

    public static TheoryData<string> Chapters()
    {
        // The sentinel keeps the theory non-empty (xunit fails a theory with no data) while no chapter exists.
        var data = new TheoryData<string> { Sentinel };
        if (Directory.Exists(NotebooksFolder))
        {
            foreach (string path in BookExporter.FindNotebooks(NotebooksFolder))
            {
                data.Add(Path.GetFileName(path));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public async Task Chapter_runs_top_to_bottom(string chapter)
    {
        var parameters = ChapterParameters.Load(ParametersFile);
        if (chapter == Sentinel)
        {
            Assert.True(File.Exists(Path.Combine(RepositoryRoot, "NeuralNet.sln")), $"repository root not found from {AppContext.BaseDirectory}");
            foreach (string name in parameters.Chapters)
            {
                Assert.True(File.Exists(Path.Combine(NotebooksFolder, name)), $"ci-parameters.json names {name}, which is not in notebooks/");
            }

            return;
        }

        Task<NotebookRun> running = NotebookRunner.RunAsync(Path.Combine(NotebooksFolder, chapter), new NotebookRunOptions { Parameters = parameters.For(chapter) });
        if (await Task.WhenAny(running, Task.Delay(Timeout)) != running)
        {
            // A cell cannot be stopped from outside; fail clearly rather than hold CI until its own limit.
            Assert.Fail($"{chapter} did not finish within {Timeout.TotalMinutes} minutes (see ci-parameters.json for CI-sized values).");
        }

        NotebookRun run = await running;
        Assert.True(run.Succeeded, run.Failure?.Message + Environment.NewLine + Summary(run));
        var warnings = run.Cells.SelectMany(c => c.Outputs.Where(o => o.Name == "stderr" && o.Text?.Contains("warning CS", StringComparison.Ordinal) == true)
            .Select(o => $"cell {c.Number}: {o.Text!.Trim()}")).ToList();
        Assert.True(warnings.Count == 0, $"{chapter}: compiler warnings (the kernel prints them into the chapter):\n" + string.Join("\n", warnings));
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    internal static string RepositoryRoot { get; } = FindRoot();

    internal static string NotebooksFolder => Path.Combine(RepositoryRoot, "notebooks");

    internal static string ParametersFile => Path.Combine(NotebooksFolder, "ci-parameters.json");

    private static string Summary(NotebookRun run) => string.Join(Environment.NewLine, run.Cells
        .Where(c => c.Kind == CellKind.Code && c.Status != CellStatus.NotRun)
        .Select(c => $"  cell {c.Number}: {c.Status} in {c.Elapsed.TotalSeconds:0.00} s" +
            string.Concat(c.Outputs.Where(o => o.OutputType is "stream" or "error").Select(o => Environment.NewLine + "    " + o.Text?.TrimEnd().ReplaceLineEndings(Environment.NewLine + "    ")))));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NeuralNet.sln")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// A theory that needs the real .NET Interactive kernel and Debian's nbclient. Where they are missing it is
/// skipped, saying how to install them, unless <c>NEURALNET_REQUIRE_KERNEL=1</c> (set by <c>.ci/run</c>):
/// then it runs and fails, so CI cannot pass without executing the chapters in the kernel.
/// </summary>
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (Kernel.Missing is { } reason && !Kernel.Required)
        {
            Skip = $"The .NET Interactive kernel is not installed here ({reason}). Set NEURALNET_REQUIRE_KERNEL=1 to fail instead.";
        }
    }
}

internal static partial class Kernel
{
    /// <summary>Debian's Python, which has python3-nbclient (a pyenv or venv python3 on PATH may not).</summary>
    public static string Python { get; } = Environment.GetEnvironmentVariable("NEURALNET_PYTHON") is { Length: > 0 } python ? python
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string Script => Path.Combine(ChapterTests.RepositoryRoot, "tests", "NeuralNet.Notebooks.Tests", "Kernel", "execute_in_kernel.py");

    public static bool Required => Environment.GetEnvironmentVariable("NEURALNET_REQUIRE_KERNEL") == "1";

    /// <summary>Why the kernel cannot run chapters here, or null when it can.</summary>
    public static string? Missing => MissingReason.Value;

    private static readonly Lazy<string?> MissingReason = new(() =>
    {
        try
        {
            (int exit, string? output) = Run([Script, "--check"], TimeSpan.FromMinutes(1));
            return exit == 0 ? null : output.Trim();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
        {
            return $"{Python} cannot run: {e.Message}";
        }
    });

    public static (int ExitCode, string Output) Run(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {string.Join(' ', arguments)} did not finish within {timeout.TotalMinutes} minutes");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>
/// Executes every chapter in <c>notebooks/</c> in the real .NET Interactive kernel, through the Jupyter protocol
/// (Debian's nbclient, kernelspec <c>.net-csharp</c>), as VS Code's Jupyter extension runs it, with the CI
/// parameters of <c>notebooks/ci-parameters.json</c> injected after the chapter's <c>parameters</c> cell, in a
/// <see cref="FreshClone"/> of the repository (no data, no build), chapter after chapter as a learner runs them. A chapter
/// added to the folder is picked up without editing this file. It fails, naming the chapter and the cell, on an
/// error output, on stderr that reports an error or a compiler warning, and on a chart cell that showed no chart;
/// then it draws every chart's Plotly JSON with the plotly.js we ship, offline, in headless Chromium.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed partial class KernelChapterTests(ITestOutputHelper log)
{
    public const string PlotlyJson = "application/vnd.plotly.v1+json";

    public static TheoryData<string> Chapters()
    {
        var data = new TheoryData<string>();
        foreach (string path in BookExporter.FindNotebooks(ChapterTests.NotebooksFolder))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [KernelTheory]
    [MemberData(nameof(Chapters))]
    public async Task Chapter_runs_in_the_real_kernel_with_no_error_and_every_chart_drawn(string chapter)
    {
        Assert.True(Kernel.Missing is null, $"NEURALNET_REQUIRE_KERNEL=1 but the kernel cannot run: {Kernel.Missing}");
        DirectoryInfo folder = Directory.CreateTempSubdirectory("nn-kernel-");
        try
        {
            // The learner's path: the chapter runs in a fresh clone with no data and no build, after the chapters before it.
            (int exit, string output, string executed, TimeSpan elapsed) = FreshClone.Run(chapter, CiParameters, log);
            log.WriteLine($"{chapter}: {elapsed.TotalSeconds:F1} s in the kernel, in the fresh clone {FreshClone.Root} (exit {exit})");
            Assert.True(File.Exists(executed), $"{chapter}: the kernel run wrote no notebook (exit {exit}):\n{output}");

            IReadOnlyList<ExecutedCell> cells = ExecutedCells(executed);
            foreach (ExecutedCell cell in cells)
            {
                log.WriteLine($"  cell {cell.Number,2}: {cell.Seconds,6:F2} s, {cell.Outputs.Count} outputs{(cell.IsChartCell ? $", {cell.Figures.Count} charts" : "")}");
            }

            var problems = cells.SelectMany(Problems).ToList();
            if (exit != 0 && problems.Count == 0)
            {
                problems.Add($"the kernel run ended with exit code {exit}:\n{output}");
            }

            Assert.True(problems.Count == 0, $"{chapter} in the .NET Interactive kernel:\n" + string.Join("\n", problems));

            var figures = cells.SelectMany(c => c.Figures.Select(f => (c.Number, Figure: f))).ToList();
            await AssertFiguresDrawOffline(chapter, figures, folder.FullName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The chapter's CI values as a JSON object (empty when it has none).</summary>
    internal static string CiParameters(string chapter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(ChapterTests.ParametersFile));
        return json.RootElement.TryGetProperty(chapter, out JsonElement values) ? values.GetRawText() : "{}";
    }

    internal sealed record ExecutedCell(int Number, string Source, bool Ran, double Seconds, IReadOnlyList<JsonElement> Outputs, IReadOnlyList<string> Figures)
    {
        /// <summary>
        /// A cell that always shows a chart: a call to our Charts class or Plotly.NET's Chart at its top level, not in a
        /// comment, a block or under an <c>if</c> (chapter 6 skips its Fashion-MNIST charts where that data set is missing).
        /// </summary>
        public bool IsChartCell
        {
            get
            {
                string[] lines = Source.Split('\n').Select(line => line.Split("//")[0].TrimEnd()).Where(line => line.Length > 0).ToArray();
                return lines.Where((line, i) => ChartCall().IsMatch(line) && !char.IsWhiteSpace(line[0])
                    && (i == 0 || !Conditional().IsMatch(lines[i - 1]))).Any();
            }
        }
    }

    /// <summary>The code cells of an executed notebook, numbered as in the chapter (the injected parameters cell left out).</summary>
    internal static IReadOnlyList<ExecutedCell> ExecutedCells(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var cells = new List<ExecutedCell>();
        int number = 0;
        foreach (JsonElement cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            JsonElement metadata = cell.GetProperty("metadata");
            if (metadata.TryGetProperty("tags", out JsonElement tags) && tags.EnumerateArray().Any(t => t.GetString() == "injected-parameters"))
            {
                continue;
            }

            number++;
            if (cell.GetProperty("cell_type").GetString() != "code")
            {
                continue;
            }

            string source = Text(cell.GetProperty("source"));
            var outputs = cell.GetProperty("outputs").EnumerateArray().Select(o => o.Clone()).ToList();
            bool ran = cell.GetProperty("execution_count").ValueKind == JsonValueKind.Number;
            double seconds = metadata.TryGetProperty("execution", out JsonElement execution)
                && execution.TryGetProperty("iopub.execute_input", out JsonElement started) && execution.TryGetProperty("shell.execute_reply", out JsonElement ended)
                ? (ended.GetDateTime() - started.GetDateTime()).TotalSeconds : 0;
            var figures = outputs
                .Where(o => o.TryGetProperty("data", out JsonElement data) && data.TryGetProperty(PlotlyJson, out _))
                .Select(o => FigureJson(o.GetProperty("data").GetProperty(PlotlyJson)))
                .ToList();
            cells.Add(new ExecutedCell(number, source, ran, seconds, outputs, figures));
        }

        return cells;
    }

    // The kernel sends the figure as a string of JSON; nbformat also allows the JSON object itself.
    private static string FigureJson(JsonElement figure) =>
        figure.ValueKind == JsonValueKind.String ? figure.GetString()! : figure.GetRawText();

    internal static IEnumerable<string> Problems(ExecutedCell cell)
    {
        foreach (JsonElement output in cell.Outputs)
        {
            switch (output.GetProperty("output_type").GetString())
            {
                case "error":
                    yield return $"cell {cell.Number}: {output.GetProperty("ename").GetString()}: {output.GetProperty("evalue").GetString()}";
                    break;
                case "stream" when output.GetProperty("name").GetString() == "stderr":
                    string text = Text(output.GetProperty("text"));
                    if (text.Contains("error", StringComparison.OrdinalIgnoreCase) || text.Contains("warning CS", StringComparison.Ordinal))
                    {
                        yield return $"cell {cell.Number}: stderr: {text.Trim()}";
                    }

                    break;
            }
        }

        if (!cell.Ran)
        {
            yield return $"cell {cell.Number}: did not run";
        }
        else if (cell.IsChartCell && cell.Figures.Count == 0)
        {
            yield return $"cell {cell.Number}: a chart cell produced no chart (no {PlotlyJson} output)";
        }
    }

    /// <summary>Draws each figure with the plotly.js embedded in Plotly.NET, on a page with no network, and checks it rendered.</summary>
    private async Task AssertFiguresDrawOffline(string chapter, IReadOnlyList<(int Cell, string Figure)> figures, string folder)
    {
        if (figures.Count == 0)
        {
            return;
        }

        Assert.True(Chromium.Path is not null, "Chromium is needed to draw the charts: apt-get install -y chromium (or set CHROMIUM).");
        HtmlPage.WriteAssets(folder);
        var page = new StringBuilder($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"{HtmlPage.PlotlyJsFileName}\"></script></head><body>\n");
        for (int i = 0; i < figures.Count; i++)
        {
            // The figure JSON goes in as a JSON string literal, parsed by the page: no HTML escaping to get wrong.
            page.Append($"<div data-figure=\"{i}\" id=\"figure{i}\"></div><script>(function () {{ var f = JSON.parse({JsonSerializer.Serialize(figures[i].Figure)}); "
                + $"Plotly.newPlot('figure{i}', f.data, f.layout || {{}}, f.config || {{}}); }})();</script>\n");
        }

        page.Append("</body></html>");
        string path = Path.Combine(folder, "figures.html");
        await File.WriteAllTextAsync(path, page.ToString());

        string dom = await Chromium.DumpDomAsync(path);

        string[] drawn = FigureMarker().Split(dom).Skip(1).ToArray();
        Assert.Equal(figures.Count, drawn.Length);
        var blank = Enumerable.Range(0, figures.Count).Where(i => !drawn[i].Contains("main-svg", StringComparison.Ordinal)).ToList();
        Assert.True(blank.Count == 0, $"{chapter}: charts that did not draw from their Plotly JSON: " + string.Join(", ", blank.Select(i => $"cell {figures[i].Cell}")));
        log.WriteLine($"{chapter}: {figures.Count} charts drawn from their Plotly JSON offline");

        IReadOnlyList<string> misfits = await ChartFit.MisfitsAsync(figures, folder);
        Assert.True(misfits.Count == 0, $"{chapter}: charts that do not fit a narrow output column:\n" + string.Join("\n", misfits));
        log.WriteLine($"{chapter}: {figures.Count} charts fit 700- and 1,000-pixel columns");
    }

    private static string Text(JsonElement source) =>
        source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(l => l.GetString())) : source.GetString() ?? "";

    [GeneratedRegex(@"\b(Charts|Chart)\.[A-Z]\w*\s*(<|\()")]
    private static partial Regex ChartCall();

    [GeneratedRegex(@"^\s*(if|else|for|foreach|while)\b")]
    private static partial Regex Conditional();

    [GeneratedRegex("data-figure=\"")]
    private static partial Regex FigureMarker();
}


namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// What the chapters' setup cell needs from the runner, with the kernel's own semantics: <c>#load</c> of a script
/// that may use <c>#r</c>, the <c>Formatter</c> calls that give charts their Plotly JSON, and compiler warnings
/// written to stderr as the kernel writes them.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class LoadAndFormatterTests
{
    [Fact]
    public async Task A_loaded_script_shares_its_variables_methods_and_references_but_not_its_usings()
    {
        using var notebook = new TestNotebook();
        RunnerTests.EmitLibrary(Path.Combine(notebook.Directory, "lib", "Tiny.dll"), "namespace Tiny; public static class Answer { public static int Value => 42; }");
        File.WriteAllText(Path.Combine(notebook.Directory, "setup.csx"),
            "#r \"lib/Tiny.dll\"\nusing System.Text.Json;\nConsole.WriteLine(\"set up\");\nvar fromSetup = Tiny.Answer.Value;\nstatic int Twice(int n) => 2 * n;");
        notebook
            .Code("#load \"setup.csx\"")
            .Code("Twice(fromSetup) + Tiny.Answer.Value")
            .Code("JsonSerializer.Serialize(1)");

        NotebookRun run = await notebook.RunAsync();

        Assert.Equal("set up\n", run.Cells[0].Outputs.Single().Text?.ReplaceLineEndings("\n"));
        Assert.Equal("126", Assert.Single(run.Cells[1].Outputs)["text/plain"]);
        // As in the kernel (and Roslyn scripting): a loaded script's using directives stay in it.
        Assert.Equal(3, run.Failure?.CellNumber);
        Assert.Contains("CS0103", run.Failure?.Message);
    }

    [Fact]
    public async Task A_missing_loaded_script_and_an_error_inside_one_are_named()
    {
        using TestNotebook missing = new TestNotebook().Code("var a = 1;\n#load \"nowhere.csx\"");
        NotebookRun run = await missing.RunAsync();
        Assert.Contains("cell 1, line 2: #load: script not found: ", run.Failure?.Message);
        Assert.Contains("nowhere.csx", run.Failure?.Message);

        using TestNotebook broken = new TestNotebook().Code("#load \"broken.csx\"");
        File.WriteAllText(Path.Combine(broken.Directory, "broken.csx"), "var ok = 1;\nint x = \"text\";");
        run = await broken.RunAsync();
        Assert.Contains("in broken.csx, line 2: error CS0029", run.Failure?.Message);
    }

    [Fact]
    public async Task Formatter_registrations_add_mime_types_to_displays_and_reset_between_runs()
    {
        using TestNotebook notebook = new TestNotebook()
            .Code("using Microsoft.DotNet.Interactive.Formatting;\n" +
                  "public record Point(int X, int Y);\n" +
                  "Formatter.Register<Point>((p, writer) => writer.Write($\"{{\\\"x\\\":{p.X}}}\"), \"application/json\");\n" +
                  "Formatter.SetPreferredMimeTypesFor(typeof(Point), \"text/plain\", \"application/json\");")
            .Code("display(new Point(3, 4));");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        CellOutput shown = Assert.Single(run.Cells[1].Outputs);
        Assert.Equal(["application/json", "text/plain"], shown.Data.Keys.Order());
        Assert.Equal("{\"x\":3}", shown["application/json"]);
        Assert.Equal("Point { X = 3, Y = 4 }", shown["text/plain"]);

        using TestNotebook next = new TestNotebook().Code("public record Point(int X, int Y);\ndisplay(new Point(3, 4));");
        NotebookRun fresh = await next.RunAsync();
        Assert.DoesNotContain("application/json", Assert.Single(fresh.Cells[0].Outputs).Data.Keys);
    }

    [Fact]
    public async Task The_chapters_setup_script_gives_charts_their_Plotly_JSON_beside_the_HTML()
    {
        using var notebook = new TestNotebook();
        string setup = File.ReadAllText(Path.Combine(ChapterTests.NotebooksFolder, "setup.csx"))
            .Replace("ChapterSetup.BuildLibraries();", "// (no build in this test)", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(notebook.Directory, "setup.csx"), setup);
        notebook
            .Code("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#load \"setup.csx\"")
            .Code("Plotly.NET.CSharp.Chart.Line<int, double, string>(x: new[] { 1, 2, 3 }, y: new[] { 1.0, 4, 9 }, Name: \"loss\")");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        CellOutput chart = Assert.Single(run.Cells[1].Outputs);
        Assert.Equal(["application/vnd.plotly.v1+json", "text/html"], chart.Data.Keys.Order());
        using var figure = System.Text.Json.JsonDocument.Parse(chart["application/vnd.plotly.v1+json"]!);
        Assert.Equal([1.0, 4, 9], figure.RootElement.GetProperty("data")[0].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains("Plotly.newPlot", chart["text/html"]);
    }

    [Fact]
    public async Task Compiler_warnings_are_written_to_stderr_as_the_kernel_writes_them()
    {
        using TestNotebook notebook = new TestNotebook().Code("string? maybe = null;\nConsole.WriteLine(maybe ?? \"none\");");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        CellOutput stderr = Assert.Single(run.Cells[0].Outputs, o => o.Name == "stderr");
        Assert.StartsWith("(1,7): warning CS8632: ", stderr.Text);
    }
}

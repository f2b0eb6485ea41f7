using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Plotly.NET;

namespace NeuralNet.Notebooks.Tests;

[Collection(NotebookCollection.Name)]
public sealed class RunnerTests
{
    [Fact]
    public async Task State_carries_from_cell_to_cell_and_the_trailing_expression_is_the_output()
    {
        using TestNotebook notebook = new TestNotebook()
            .Code("var x = 20;")
            .Code("int Twice(int n) => 2 * n;")
            .Code("Twice(x) + 2");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Empty(run.Cells[0].Outputs);
        CellOutput result = Assert.Single(run.Cells[2].Outputs);
        Assert.Equal("execute_result", result.OutputType);
        Assert.Equal("42", result["text/plain"]);
    }

    [Fact]
    public async Task A_void_call_without_semicolon_shows_nothing_and_console_output_is_a_stream()
    {
        using TestNotebook notebook = new TestNotebook()
            .Code("Console.WriteLine(\"epoch 1\");\nConsole.Write(\"epoch 2\\n\")")
            .Code("string nothing = null;\nnothing");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        CellOutput stream = Assert.Single(run.Cells[0].Outputs);
        Assert.Equal(("stream", "stdout", "epoch 1\nepoch 2\n"), (stream.OutputType, stream.Name, stream.Text?.ReplaceLineEndings("\n")));
        Assert.Equal("<null>", Assert.Single(run.Cells[1].Outputs)["text/plain"]);
    }

    [Fact]
    public async Task A_relative_r_loads_an_assembly_from_the_notebooks_folder()
    {
        using var notebook = new TestNotebook();
        EmitLibrary(Path.Combine(notebook.Directory, "lib", "Tiny.dll"), "namespace Tiny; public static class Answer { public static int Value => 42; }");
        notebook.Code("#r \"lib/Tiny.dll\"\nTiny.Answer.Value");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Equal("42", Assert.Single(run.Cells[0].Outputs)["text/plain"]);
    }

    [Fact]
    public async Task The_working_directory_is_the_notebooks_folder()
    {
        using var notebook = new TestNotebook();
        File.WriteAllText(Path.Combine(notebook.Directory, "data.txt"), "hello");
        notebook.Code("System.IO.File.ReadAllText(\"data.txt\")");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Equal("hello", Assert.Single(run.Cells[0].Outputs)["text/plain"]);
        Assert.NotEqual(notebook.Directory, Environment.CurrentDirectory);
    }

    [Fact]
    public async Task Display_and_Update_replace_the_output_in_place()
    {
        using TestNotebook notebook = new TestNotebook()
            .Code("""
                var shown = display("epoch 1");
                shown.Update("epoch 2");
                var other = 3.5.Display();
                var html = "<b>bold</b>".DisplayAs("text/html");
                html.Update("<i>italic</i>");
                """)
            .Code("other.Update(4.5);");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        IReadOnlyList<CellOutput> outputs = run.Cells[0].Outputs;
        Assert.Equal(3, outputs.Count);
        Assert.All(outputs, o => Assert.Equal("display_data", o.OutputType));
        Assert.Equal("epoch 2", outputs[0]["text/plain"]);
        Assert.Equal("4.5", outputs[1]["text/plain"]);
        Assert.Equal("<i>italic</i>", outputs[2]["text/html"]);
        Assert.Empty(run.Cells[1].Outputs);
    }

    [Fact]
    public async Task A_Plotly_chart_is_shown_as_html_that_draws_with_plotly_js()
    {
        using TestNotebook notebook = new TestNotebook()
            .Code("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"")
            .Code("using Plotly.NET.CSharp;\nvar chart = Chart.Line<int, double, string>(x: new[] { 1, 2, 3 }, y: new[] { 1.0, 4, 9 }, Name: \"loss\");\nchart");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        string? html = Assert.Single(run.Cells[1].Outputs)["text/html"];
        Assert.NotNull(html);
        Assert.Contains(HtmlPage.ChartMarker, html);
        Assert.Contains("Plotly.newPlot", html);
        Assert.Contains("\"loss\"", html);
    }

    [Fact]
    public async Task An_object_shows_as_a_table_of_its_public_properties()
    {
        using TestNotebook notebook = new TestNotebook()
            .Code("class Score { public string Name { get; set; } = \"accuracy\"; public double Value { get; set; } = 0.97; }\nnew Score()")
            .Code("new[] { 1, 2, 3 }")
            .Code("new { Epochs = 3, Loss = 0.25 }")
            .Code("(1, \"a\")");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        CellOutput table = Assert.Single(run.Cells[0].Outputs);
        Assert.Contains("<td>Name</td><td>accuracy</td>", table["text/html"]);
        Assert.Contains("Value = 0.97", table["text/plain"]);
        Assert.Equal("[ 1, 2, 3 ]", Assert.Single(run.Cells[1].Outputs)["text/plain"]);
        Assert.Contains("<td>Loss</td><td>0.25</td>", Assert.Single(run.Cells[2].Outputs)["text/html"]);
        Assert.Equal("(1, a)", Assert.Single(run.Cells[3].Outputs)["text/plain"]);
    }

    [Fact]
    public async Task A_compile_error_names_the_notebook_cell_and_line_and_stops_the_run()
    {
        using TestNotebook notebook = new TestNotebook("broken.ipynb")
            .Markdown("# Title")
            .Code("var a = 1;")
            .Code("var b = 2;\nvar c = a + undefinedName;")
            .Code("var d = 4;");

        NotebookRun run = await notebook.RunAsync();

        Assert.False(run.Succeeded);
        NotebookCellException failure = run.Failure!;
        Assert.Equal((3, 2), (failure.CellNumber, failure.Line));
        Assert.StartsWith("broken.ipynb, cell 3, line 2: error CS0103:", failure.Message);
        Assert.Contains("undefinedName", failure.Message);
        Assert.Equal(
            [CellStatus.NotCode, CellStatus.Passed, CellStatus.Failed, CellStatus.NotRun],
            run.Cells.Select(c => c.Status));
        Assert.Equal("error", Assert.Single(run.Cells[2].Outputs).OutputType);
    }

    [Fact]
    public async Task A_runtime_error_names_the_cell_and_the_line_that_threw()
    {
        using TestNotebook notebook = new TestNotebook("throws.ipynb")
            .Code("int[] values = { 1, 2, 3 };")
            .Code("var ok = values[0];\n\nvar bad = values[10];\nConsole.WriteLine(\"not reached\");");

        NotebookRun run = await notebook.RunAsync();

        NotebookCellException failure = Assert.IsType<NotebookCellException>(run.Failure);
        Assert.Equal((2, 3), (failure.CellNumber, failure.Line));
        Assert.StartsWith("throws.ipynb, cell 2, line 3: System.IndexOutOfRangeException:", failure.Message);
    }

    [Fact]
    public async Task A_runtime_error_inside_a_called_method_points_at_the_cells_line()
    {
        using TestNotebook notebook = new TestNotebook("deep.ipynb")
            .Code("void Check(int n)\n{\n    if (n > 2) throw new InvalidOperationException($\"n = {n} is too large\");\n}")
            .Code("Check(1);\nCheck(5);");

        NotebookRun run = await notebook.RunAsync();

        NotebookCellException failure = Assert.IsType<NotebookCellException>(run.Failure);
        Assert.Equal((2, 2), (failure.CellNumber, failure.Line));
        Assert.EndsWith("System.InvalidOperationException: n = 5 is too large", failure.Message);
    }

    [Fact]
    public async Task A_result_whose_ToString_throws_fails_its_cell_with_a_clear_message()
    {
        using TestNotebook notebook = new TestNotebook("tostring.ipynb")
            .Code("class Broken { public override string ToString() => throw new NotSupportedException(\"no text\"); }\nnew Broken()");

        NotebookRun run = await notebook.RunAsync();

        Assert.Equal("tostring.ipynb, cell 1: showing the cell's result failed: System.NotSupportedException: no text", run.Failure?.Message);
    }

    [Fact]
    public async Task A_markdown_only_notebook_runs_and_passes()
    {
        using TestNotebook notebook = new TestNotebook().Markdown("# Only prose").Markdown("No code at all, $x^2$.");

        NotebookRun run = await notebook.RunAsync();

        Assert.True(run.Succeeded);
        Assert.All(run.Cells, c => Assert.Equal(CellStatus.NotCode, c.Status));
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("""{ "nbformat": 3, "cells": [] }""", "expected \"nbformat\": 4, found 3")]
    [InlineData("""{ "nbformat": 4 }""", "expected a \"cells\" array")]
    [InlineData("""{ "nbformat": 4, "cells": [ { "cell_type": "picture", "source": "" } ] }""", "cell 1: expected \"cell_type\"")]
    [InlineData("""{ "nbformat": 4, "cells": [ { "cell_type": "code", "source": 7 } ] }""", "cell 1: \"source\": expected a string")]
    public void A_malformed_notebook_is_a_clear_error_naming_the_file(string json, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), "malformed.ipynb");

        NotebookFormatException error = Assert.Throws<NotebookFormatException>(() => Notebook.Parse(json, path));

        Assert.StartsWith("malformed.ipynb", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task An_unknown_magic_command_is_reported_and_skipped_and_line_numbers_stay_right()
    {
        using TestNotebook notebook = new TestNotebook()
            .Code("#!time\n#!about\nvar x = 1;\nthrow new Exception(\"boom\");");

        NotebookRun run = await notebook.RunAsync();

        Assert.Equal(
            ["line 1: magic command '#!time' is not supported by the runner and was skipped",
             "line 2: magic command '#!about' is not supported by the runner and was skipped"],
            run.Cells[0].Notes);
        Assert.Equal(4, run.Failure?.Line);
    }

    [Fact]
    public async Task A_package_the_runner_does_not_ship_is_restored_and_usable_in_the_next_lines()
    {
        // Google.Protobuf: served to the build already (the ONNX exporter uses it), so the restore needs no download.
        using TestNotebook notebook = new TestNotebook("nuget.ipynb")
            .Code("#r \"nuget: Google.Protobuf, 3.36.2\"\nGoogle.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(90)).Seconds");

        NotebookRun run = await notebook.RunAsync();

        Assert.Null(run.Failure);
        Assert.Equal("90", Assert.Single(run.Cells[0].Outputs)["text/plain"]);
    }

    [Fact]
    public async Task A_package_that_cannot_be_restored_is_an_error_naming_it_and_the_line()
    {
        using TestNotebook notebook = new TestNotebook("nuget.ipynb").Code("#r \"nuget: Plotly.NET, 6.0.0\"\n#r \"nuget: NeuralNet.Some.Missing.Package, 1.2.3\"");

        NotebookRun run = await notebook.RunAsync();

        NotebookCellException failure = Assert.IsType<NotebookCellException>(run.Failure);
        Assert.StartsWith("nuget.ipynb, cell 1, line 2: #r \"nuget: NeuralNet.Some.Missing.Package\": restoring NeuralNet.Some.Missing.Package 1.2.3 failed", failure.Message);
        Assert.Contains("NU1101", failure.Message);   // NuGet's "unable to find package"
    }

    [Fact]
    public async Task A_cell_for_another_kernel_is_a_clear_error()
    {
        using TestNotebook notebook = new TestNotebook("fsharp.ipynb").Code("let x = 1", kernel: "fsharp");

        NotebookRun run = await notebook.RunAsync();

        Assert.Equal("fsharp.ipynb, cell 1: this is a 'fsharp' cell; the runner runs C# cells only (kernel 'csharp').", run.Failure?.Message);
    }

    [Fact]
    public async Task A_kernel_switch_magic_inside_a_cell_is_a_clear_error()
    {
        using TestNotebook notebook = new TestNotebook("switch.ipynb").Code("#!pwsh\nGet-Date");

        NotebookRun run = await notebook.RunAsync();

        Assert.StartsWith("switch.ipynb, cell 1, line 1: '#!pwsh' switches to the pwsh kernel", run.Failure?.Message);
    }

    [Fact]
    public async Task Parameters_override_top_level_values_of_the_parameters_cell()
    {
        using TestNotebook notebook = new TestNotebook()
            .Parameters("var epochs = 10;\nfloat learningRate = 0.1f;\nstring name = \"mlp\";")
            .Code("$\"{epochs} {learningRate} {name}\"");
        var options = new NotebookRunOptions
        {
            Parameters = ParameterOverrides.Parse(["epochs=2", "learningRate=0.05", "name=tiny"]),
        };

        NotebookRun run = await notebook.RunAsync(options);

        run.ThrowIfFailed();
        Assert.Equal("2 0.05 tiny", Assert.Single(run.Cells[1].Outputs)["text/plain"]);
    }

    [Fact]
    public async Task An_unknown_parameter_is_an_error_listing_the_known_ones()
    {
        using TestNotebook notebook = new TestNotebook("p.ipynb").Parameters("var epochs = 10;");

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => notebook.RunAsync(new() { Parameters = new Dictionary<string, string> { ["epoch"] = "1" } }));

        Assert.Contains("no top-level variable 'epoch'; it assigns epochs", error.Message);
    }

    [Fact]
    public async Task Saving_writes_the_outputs_into_the_notebook_as_the_kernel_does()
    {
        using TestNotebook notebook = new TestNotebook()
            .Markdown("# Saved")
            .Code("Console.WriteLine(\"hi\");\n1 + 1");
        NotebookRun run = await notebook.RunAsync();

        run.Save();

        var saved = Notebook.Load(notebook.Path);
        IReadOnlyList<CellOutput> outputs = saved.Cells[1].StoredOutputs;
        Assert.Equal(["stream", "execute_result"], outputs.Select(o => o.OutputType));
        Assert.Equal("2", outputs[1]["text/plain"]);
        Assert.Contains("\"execution_count\": 1", File.ReadAllText(notebook.Path));
    }

    internal static void EmitLibrary(string path, string code)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var compilation = CSharpCompilation.Create(
            Path.GetFileNameWithoutExtension(path),
            [CSharpSyntaxTree.ParseText(code)],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        EmitResult result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookCollection : ICollectionFixture<FreshCloneCleanup>
{
    public const string Name = "Notebook runs (share the console and the working directory)";
}

public sealed class OutputFormatterTests
{
    [Fact]
    public void Chart_html_carries_the_same_figure_as_Plotly_NETs_own_json()
    {
        GenericChart chart = Plotly.NET.CSharp.Chart.Line<int, double, string>(x: new[] { 1, 2, 3 }, y: new[] { 1.0, 4, 9 }, Name: "loss");

        string html = OutputFormatter.Format(chart)[OutputFormatter.Html]!;
        string theirs = Plotly.NET.GenericChart.toJson(chart);

        Assert.Contains($"var figure = {theirs};", html);
        Assert.Contains("\"template\":{\"layout\"", html); // the template spliced in is the chart's own
        Assert.Contains(HtmlPage.ChartMarker, html);
    }

    [Fact]
    public void Chart_html_cannot_end_its_script_early()
    {
        GenericChart chart = Plotly.NET.CSharp.Chart.Line<int, double, string>(x: new[] { 1, 2 }, y: new[] { 1.0, 2 }, Name: "</script><b>loss</b>");

        string html = HtmlPage.Chart(chart, "c1");

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "</script>"));
        Assert.Contains("<\\/script><b>loss<\\/b>", html);
        Assert.Contains("<div id=\"c1\"></div>", html);
    }
}

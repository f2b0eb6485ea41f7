using System.Text.Json.Nodes;

namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// The kernel chapter test's checks, on a notebook shaped like one nbclient executed, so that what they catch
/// is proven here without the kernel: error outputs, compiler warnings on stderr, a chart cell without a chart.
/// </summary>
public sealed class KernelCheckTests
{
    [Fact]
    public void Errors_warnings_and_missing_charts_are_reported_with_their_cell_numbers()
    {
        using TestNotebook notebook = new TestNotebook("executed.ipynb")
            .Markdown("# Title")
            .Code("var epochs = 5;", "csharp", "parameters")
            .Code("epochs = 1;", "csharp", "injected-parameters")
            .Code("Charts.ClassBalance(train)")
            .Code("string? s = null;")
            .Code("throw new Exception(\"boom\");")
            .Code("if (data is not null)\n    display(Charts.DigitGrid(data, [0]));\nConsole.WriteLine(\"// Charts.Skipped(x) in a comment\");");
        string path = notebook.Write();
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        JsonArray cells = root["cells"]!.AsArray();
        foreach (JsonNode? cell in cells.Where(c => (string?)c!["cell_type"] == "code"))
        {
            cell!["execution_count"] = 1;
        }

        cells[4]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stderr", ["text"] = "\n(1,7): warning CS8632: The annotation ...\n" });
        cells[5]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "error", ["ename"] = "Error", ["evalue"] = "System.Exception: boom", ["traceback"] = new JsonArray() });
        File.WriteAllText(path, root.ToJsonString());

        IReadOnlyList<KernelChapterTests.ExecutedCell> executed = KernelChapterTests.ExecutedCells(path);
        var problems = executed.SelectMany(KernelChapterTests.Problems).ToList();

        Assert.Equal([2, 3, 4, 5, 6], executed.Select(c => c.Number));
        Assert.Equal(
            [
                "cell 3: a chart cell produced no chart (no application/vnd.plotly.v1+json output)",
                "cell 4: stderr: (1,7): warning CS8632: The annotation ...",
                "cell 5: Error: System.Exception: boom",
            ],
            problems);
    }

    [Fact]
    public void A_chart_output_satisfies_a_chart_cell_whether_its_JSON_is_a_string_or_an_object()
    {
        using TestNotebook notebook = new TestNotebook("executed.ipynb").Code("Charts.ClassBalance(train)").Code("display(Charts.Digit(x));");
        string path = notebook.Write();
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        JsonArray cells = root["cells"]!.AsArray();
        cells[0]!["execution_count"] = 1;
        cells[1]!["execution_count"] = 2;
        cells[0]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "execute_result", ["data"] = new JsonObject { [KernelChapterTests.PlotlyJson] = "{\"data\":[]}" } });
        cells[1]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "display_data", ["data"] = new JsonObject { [KernelChapterTests.PlotlyJson] = new JsonObject { ["data"] = new JsonArray() } } });
        File.WriteAllText(path, root.ToJsonString());

        IReadOnlyList<KernelChapterTests.ExecutedCell> executed = KernelChapterTests.ExecutedCells(path);

        Assert.Empty(executed.SelectMany(KernelChapterTests.Problems));
        Assert.Equal(["{\"data\":[]}", "{\"data\":[]}"], executed.SelectMany(c => c.Figures));
    }
}

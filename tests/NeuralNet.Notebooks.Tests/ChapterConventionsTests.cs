using System.Text.Json;

namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// Keeps every chapter in notebooks/ clean, now that the .ipynb files are the source (edited in VS Code):
/// valid nbformat 4, Polyglot metadata, the two setup cells, one Chart namespace, one parameters cell,
/// code cells of at most 20 lines, exercises with a collapsed solution, and saved without outputs. A chapter added
/// to the folder is checked without editing this file.
/// </summary>
public class ChapterConventionsTests
{
    public static TheoryData<string> Chapters() => KernelChapterTests.Chapters();

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Chapter_is_nbformat_4_with_polyglot_metadata(string chapter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf(chapter)));
        JsonElement root = json.RootElement;

        Assert.Equal(4, root.GetProperty("nbformat").GetInt32());
        int minor = root.GetProperty("nbformat_minor").GetInt32();
        JsonElement kernelspec = root.GetProperty("metadata").GetProperty("kernelspec");
        Assert.Equal(".net-csharp", kernelspec.GetProperty("name").GetString());
        Assert.Equal("csharp", root.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());

        JsonElement[] cells = root.GetProperty("cells").EnumerateArray().ToArray();
        var ids = new HashSet<string>();
        foreach ((JsonElement cell, int index) in cells.Select((c, i) => (c, i + 1)))
        {
            string? type = cell.GetProperty("cell_type").GetString();
            Assert.True(type is "code" or "markdown" or "raw", $"cell {index}: cell_type '{type}'");
            Assert.Equal(JsonValueKind.Object, cell.GetProperty("metadata").ValueKind);
            Assert.True(cell.GetProperty("source").ValueKind is JsonValueKind.Array or JsonValueKind.String, $"cell {index}: source");
            if (minor >= 5)
            {
                Assert.True(cell.TryGetProperty("id", out JsonElement id) && ids.Add(id.GetString()!), $"cell {index}: nbformat 4.5 needs a unique id");
            }

            if (type == "code")
            {
                Assert.Equal("csharp", cell.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelName").GetString());
                Assert.True(cell.GetProperty("outputs").GetArrayLength() == 0 && cell.GetProperty("execution_count").ValueKind == JsonValueKind.Null,
                    $"{chapter}, cell {index}: saved with outputs or an execution count; clear them (Clear All Outputs) before committing");
            }
        }
    }

    [Fact]
    public void Every_chapter_passes_nbformats_own_validator_where_it_is_installed()
    {
        (int exit, string? output) = Kernel.Run(["-c", "import nbformat"], TimeSpan.FromMinutes(1));
        if (exit != 0)
        {
            // Debian's python3-nbformat (pulled in by python3-nbclient); .ci/run installs it.
            Assert.False(Kernel.Required, $"NEURALNET_REQUIRE_KERNEL=1 but nbformat cannot be imported: {output}");
            return;
        }

        var paths = BookExporter.FindNotebooks(ChapterTests.NotebooksFolder).ToList();
        (exit, output) = Kernel.Run(
            ["-c", "import sys, nbformat\nfor p in sys.argv[1:]:\n    nbformat.validate(nbformat.read(p, as_version=nbformat.NO_CONVERT))\n    print('valid', p)", .. paths],
            TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, output);
        Assert.Equal(paths.Count, output.Split('\n').Count(line => line.StartsWith("valid ", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Chapter_starts_with_the_two_setup_cells_and_imports_one_Chart_namespace(string chapter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf(chapter)));
        JsonElement[] code = json.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").ToArray();
        static string Source(JsonElement cell) => string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));

        // The packages and setup.csx (which builds the libraries), then the #r lines: #r is read when its cell compiles.
        Assert.Equal(
            "#r \"nuget: Plotly.NET.Interactive, 6.0.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#load \"setup.csx\"",
            Source(code[0]));
        Assert.StartsWith(
            "#r \"../src/NeuralNet/bin/Release/net8.0/NeuralNet.dll\"\n#r \"../src/NeuralNet.Data/bin/Release/net8.0/NeuralNet.Data.dll\"\n"
            + "#r \"../src/NeuralNet.Teaching/bin/Release/net8.0/NeuralNet.Teaching.dll\"\n#r \"../src/NeuralNet.Plots/bin/Release/net10.0/NeuralNet.Plots.dll\"\n",
            Source(code[1]));
        Assert.DoesNotContain(code.Skip(2), c => Source(c).Contains("#r \"", StringComparison.Ordinal) || Source(c).Contains("#load", StringComparison.Ordinal));

        Assert.DoesNotContain(code, c => Source(c).Split('\n').Any(line => line.Trim() == "using Plotly.NET;"));
        Assert.Single(code, c => c.GetProperty("metadata").TryGetProperty("tags", out JsonElement tags)
            && tags.EnumerateArray().Any(t => t.GetString() == "parameters"));
    }

    /// <summary>The most lines a code cell may have, blank lines included: what a reader sees at once. Longer code belongs in the library.</summary>
    public const int MaxCodeCellLines = 20;

    [Theory]
    [MemberData(nameof(Chapters))]
    public void No_code_cell_is_longer_than_20_lines(string chapter)
    {
        var tooLong = CodeCells(chapter)
            .Select(c => (c.Id, Lines: c.Source.Split('\n').Length - (c.Source.EndsWith('\n') ? 1 : 0)))
            .Where(c => c.Lines > MaxCodeCellLines)
            .Select(c => $"cell '{c.Id}' has {c.Lines} lines")
            .ToList();

        Assert.True(tooLong.Count == 0,
            $"{chapter}: code cells over {MaxCodeCellLines} lines (split them, or move the plumbing into the library with a test): {string.Join("; ", tooLong)}");
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Every_exercise_has_a_skeleton_and_a_collapsed_solution_that_CI_checks(string chapter)
    {
        // A learner's cell: a skeleton that throws NotImplementedException and shows Check.X's verdict. Its solution: a
        // later cell, collapsed, that calls the same Check.X with .Require(), so that CI fails when the solution is wrong.
        var cells = CodeCells(chapter).ToList();
        static IEnumerable<string> Checks(string source) =>
            System.Text.RegularExpressions.Regex.Matches(source, @"\bCheck\.(\w+)\(").Select(m => m.Groups[1].Value);
        int exercises = 0;
        foreach (((string Id, string Source, bool Hidden) cell, int index) in cells.Select((c, i) => (c, i)))
        {
            foreach (string check in Checks(cell.Source))
            {
                if (cell.Source.Contains(".Require()", StringComparison.Ordinal))
                {
                    Assert.True(cell.Hidden, $"{chapter}, cell '{cell.Id}': the solution of Check.{check} must be collapsed (metadata jupyter.source_hidden).");
                    Assert.True(cells.Take(index).Any(c => !c.Hidden && Checks(c.Source).Contains(check) && c.Source.Contains("throw new NotImplementedException()", StringComparison.Ordinal)),
                        $"{chapter}, cell '{cell.Id}': Check.{check} has a solution but no earlier skeleton cell (throw new NotImplementedException()) for the learner.");
                    exercises++;
                }
                else
                {
                    Assert.False(cell.Hidden, $"{chapter}, cell '{cell.Id}': the learner's cell of Check.{check} is collapsed.");
                    Assert.Contains("throw new NotImplementedException()", cell.Source);
                    Assert.True(cells.Skip(index + 1).Any(c => c.Hidden && Checks(c.Source).Contains(check) && c.Source.Contains(".Require()", StringComparison.Ordinal)),
                        $"{chapter}, cell '{cell.Id}': Check.{check} has no collapsed solution cell after it that calls .Require().");
                }
            }
        }

        // Issue 11: chapters 2-7 each have at least two "implement it" exercises.
        if (int.TryParse(chapter[..2], out int number) && number is >= 2 and <= 7)
        {
            Assert.True(exercises >= 2, $"{chapter} has {exercises} checked exercises; chapters 2-7 need at least two.");
        }
    }

    private static IEnumerable<(string Id, string Source, bool Hidden)> CodeCells(string chapter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf(chapter)));
        return json.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => (
                c.TryGetProperty("id", out JsonElement id) ? id.GetString() ?? "" : "",
                string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())),
                c.GetProperty("metadata").TryGetProperty("jupyter", out JsonElement jupyter)
                    && jupyter.TryGetProperty("source_hidden", out JsonElement hidden) && hidden.ValueKind == JsonValueKind.True))
            .ToList();
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Relative_links_in_a_chapter_point_at_files_that_exist(string chapter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf(chapter)));
        IEnumerable<string> markdown = json.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "markdown")
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())));
        var links = markdown.SelectMany(text => System.Text.RegularExpressions.Regex.Matches(text, @"\]\((\.\./[^)\s#]+)").Cast<System.Text.RegularExpressions.Match>().Select(m => m.Groups[1].Value)).ToList();

        Assert.All(links, link =>
        {
            string target = Path.GetFullPath(Path.Combine(ChapterTests.NotebooksFolder, link));
            Assert.True(File.Exists(target) || Directory.Exists(target), $"{chapter} links to {link}, which does not exist");
        });
    }

    /// <summary>
    /// A link to a line of the library (<c>File.cs#L42</c>) must still land on code when the file changes: the line
    /// exists and starts a member: its declaration, or the doc comment (<c>/// &lt;summary&gt;</c>, <c>/// &lt;inheritdoc/&gt;</c>) right above it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Chapters))]
    public void Links_to_a_line_land_on_a_member_declaration(string chapter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf(chapter)));
        IEnumerable<string> markdown = json.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "markdown")
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())));
        var anchored = markdown
            .SelectMany(text => System.Text.RegularExpressions.Regex.Matches(text, @"\]\((\.\./[^)\s#]+\.cs)#L(\d+)\)"))
            .Select(m => (Path: m.Groups[1].Value, Line: int.Parse(m.Groups[2].Value)))
            .ToList();
        var memberStart = new System.Text.RegularExpressions.Regex(@"^\s*((public|protected|private|internal)\b.*[({]|/// <(summary|inheritdoc))");

        Assert.All(anchored, link =>
        {
            string[] lines = File.ReadAllLines(Path.GetFullPath(Path.Combine(ChapterTests.NotebooksFolder, link.Path)));
            Assert.True(link.Line <= lines.Length, $"{chapter} links to {link.Path}#L{link.Line}, past its {lines.Length} lines");
            bool landsOnCode = memberStart.IsMatch(lines[link.Line - 1]);
            Assert.True(landsOnCode, $"{chapter} links to {link.Path}#L{link.Line}, which no longer starts a member: " +
                $"\"{lines[link.Line - 1].Trim()}\" (the file changed; point the link at the line again)");
        });
    }

    [Fact]
    public void Ci_parameters_name_existing_chapters_and_variables_of_their_parameters_cell()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(ChapterTests.ParametersFile));
        foreach (JsonProperty chapter in json.RootElement.EnumerateObject())
        {
            string path = PathOf(chapter.Name);
            Assert.True(File.Exists(path), $"{chapter.Name} does not exist");
            using var notebook = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement parameters = notebook.RootElement.GetProperty("cells").EnumerateArray().Single(c =>
                c.GetProperty("metadata").TryGetProperty("tags", out JsonElement tags) && tags.EnumerateArray().Any(t => t.GetString() == "parameters"));
            string source = string.Concat(parameters.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
            foreach (JsonProperty variable in chapter.Value.EnumerateObject())
            {
                Assert.Matches($@"\b{variable.Name}\s*=", source);
            }
        }
    }

    [Fact]
    public void The_chapters_have_no_generator_scripts_to_overwrite_them()
    {
        // The .ipynb files are the source: a script that regenerates them would lose edits made in VS Code.
        Assert.Empty(Directory.GetFiles(ChapterTests.NotebooksFolder, "*.py", SearchOption.AllDirectories));
    }

    private static string PathOf(string chapter) => Path.Combine(ChapterTests.NotebooksFolder, chapter);
}

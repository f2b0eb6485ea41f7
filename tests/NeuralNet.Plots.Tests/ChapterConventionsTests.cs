using System.Text.Json;

namespace NeuralNet.Plots.Tests;

/// <summary>
/// The conventions every chapter in notebooks/ follows (the runner's own tests execute them): Polyglot metadata,
/// the package lines first, the build cell before the #r lines, one Chart namespace, one parameters cell, and no
/// outputs unless a real run wrote them.
/// </summary>
public class ChapterConventionsTests
{
    private static readonly string NotebooksFolder = Path.Combine(FindRoot(), "notebooks");

    public static TheoryData<string> Chapters()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(NotebooksFolder, "0*.ipynb").Order())
        {
            data.Add(Path.GetFileName(path));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Chapter_follows_the_notebook_conventions(string chapter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(NotebooksFolder, chapter)));
        var root = json.RootElement;

        var kernelspec = root.GetProperty("metadata").GetProperty("kernelspec");
        Assert.Equal(".net-csharp", kernelspec.GetProperty("name").GetString());
        Assert.Equal("csharp", root.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());

        var code = root.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").ToArray();
        Assert.All(code, c => Assert.Equal("csharp", c.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelName").GetString()));
        string Source(JsonElement cell) => string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));

        Assert.Contains("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"", Source(code[0]));
        Assert.Contains("#r \"nuget: Plotly.NET.CSharp, 0.14.0\"", Source(code[0]));
        var build = Array.FindIndex(code, c => Source(c).Contains("dotnet\", $\"build"));
        var reference = Array.FindIndex(code, c => Source(c).Contains("#r \"../src/NeuralNet.Plots/bin/Release/net10.0/NeuralNet.Plots.dll\""));
        Assert.True(build >= 0 && reference > build, "the build cell must come before the cell with the #r lines");

        Assert.DoesNotContain(code, c => Source(c).Split('\n').Any(line => line.Trim() == "using Plotly.NET;"));
        Assert.Single(code, c => c.GetProperty("metadata").TryGetProperty("tags", out var tags)
            && tags.EnumerateArray().Any(t => t.GetString() == "parameters"));

        // Saved without outputs (unless the runner's --write saved a real run: then every code cell ran).
        var withOutputs = code.Count(c => c.GetProperty("outputs").GetArrayLength() > 0);
        Assert.True(withOutputs == 0 || code.All(c => c.GetProperty("execution_count").ValueKind == JsonValueKind.Number),
            "outputs only from a complete run");
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public void Relative_links_in_a_chapter_point_at_files_that_exist(string chapter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(NotebooksFolder, chapter)));
        var markdown = json.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "markdown")
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())));
        var links = markdown.SelectMany(text => System.Text.RegularExpressions.Regex.Matches(text, @"\]\((\.\./[^)\s#]+)").Select(m => m.Groups[1].Value)).ToList();

        Assert.All(links, link =>
        {
            var target = Path.GetFullPath(Path.Combine(NotebooksFolder, link));
            Assert.True(File.Exists(target) || Directory.Exists(target), $"{chapter} links to {link}, which does not exist");
        });
    }

    [Fact]
    public void Ci_parameters_name_existing_chapters_and_variables_of_their_parameters_cell()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(NotebooksFolder, "ci-parameters.json")));
        foreach (var chapter in json.RootElement.EnumerateObject())
        {
            var path = Path.Combine(NotebooksFolder, chapter.Name);
            Assert.True(File.Exists(path), $"{chapter.Name} does not exist");
            using var notebook = JsonDocument.Parse(File.ReadAllText(path));
            var parameters = notebook.RootElement.GetProperty("cells").EnumerateArray().Single(c =>
                c.GetProperty("metadata").TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(t => t.GetString() == "parameters"));
            var source = string.Concat(parameters.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
            foreach (var variable in chapter.Value.EnumerateObject())
            {
                Assert.Matches($@"\b{variable.Name}\s*=", source);
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NeuralNet.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("NeuralNet.sln not found above " + AppContext.BaseDirectory);
    }
}

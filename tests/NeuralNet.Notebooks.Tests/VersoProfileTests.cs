namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// The runner's Verso profile (NotebookProfile.Verso): what Verso's C# kernel does differently from .NET Interactive's,
/// checked on small notebooks, then every chapter run in it from a copy written by <see cref="VersoCopy"/>.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class VersoProfileTests
{
    private static readonly NotebookRunOptions Verso = new() { Profile = NotebookProfile.Verso };

    [Fact]
    public async Task A_chart_as_the_cells_value_fails_as_Verso_would_show_it_as_text()
    {
        using TestNotebook notebook = new TestNotebook()
            .Code("using Plotly.NET.CSharp;\nChart.Line<int, int, string>(x: new[] { 1, 2 }, y: new[] { 3, 4 })");

        NotebookRun run = await notebook.RunAsync(Verso);

        Assert.False(run.Succeeded);
        Assert.Contains("a chart would show as one line of text in Verso", run.Failure!.Message);
        Assert.True((await notebook.RunAsync()).Succeeded, "the same cell passes in the kernel profile");
    }

    [Fact]
    public async Task Verso_has_no_display_global_and_its_Display_keeps_one_mime_type()
    {
        using TestNotebook withKernelDisplay = new TestNotebook().Code("display(1);");
        using TestNotebook withVersoDisplay = new TestNotebook().Code("\"<b>bold</b>\".Display(\"text/html\");\nnew[] { 1, 2 }.Display();\n42");

        NotebookRun kernelStyle = await withKernelDisplay.RunAsync(Verso);
        NotebookRun versoStyle = await withVersoDisplay.RunAsync(Verso);

        Assert.Contains("error CS0103: The name 'display' does not exist", kernelStyle.Failure!.Message);
        versoStyle.ThrowIfFailed();
        Assert.Equal(["text/html", "text/html", "text/plain"], versoStyle.Cells[0].Outputs.Select(o => Assert.Single(o.Data).Key));
        Assert.Equal("<b>bold</b>", versoStyle.Cells[0].Outputs[0]["text/html"]);
    }

    [Fact]
    public async Task Stderr_fails_the_cell_and_so_does_a_relative_r_path()
    {
        using TestNotebook stderr = new TestNotebook().Code("Console.Error.WriteLine(\"careful\");");
        using TestNotebook relative = new TestNotebook().Code("#r \"lib/Tiny.dll\"");

        NotebookRun printed = await stderr.RunAsync(Verso);
        NotebookRun referenced = await relative.RunAsync(Verso);

        Assert.Contains("wrote to stderr, which fails a cell in Verso: careful", printed.Failure!.Message);
        Assert.Contains("'lib/Tiny.dll' is a relative path, which Verso does not resolve", referenced.Failure!.Message);
    }

    [Fact]
    public async Task Cells_compile_as_CSharp_13()
    {
        // The null-conditional assignment is C# 14.
        using TestNotebook notebook = new TestNotebook().Code("class Box { public int V; }\nBox b = null;\nb?.V = 1;");

        NotebookRun verso = await notebook.RunAsync(Verso);
        NotebookRun kernel = await notebook.RunAsync();

        Assert.Contains("error CS9260", verso.Failure!.Message); // "not available in C# 13.0"
        kernel.ThrowIfFailed();
    }

    [Fact]
    public void A_Verso_copy_has_absolute_paths_and_the_parameter_values_and_keeps_the_rest()
    {
        using TestNotebook notebook = new TestNotebook("copy.ipynb")
            .Parameters("var epochs = 10;")
            .Code("#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#load \"setup.csx\" // the helper\n#r \"../lib/Tiny.dll\"\nConsole.WriteLine(\"#r \\\"x.dll\\\"\");");
        string folder = Path.Combine(Path.GetTempPath(), "nn-verso-copy-" + Guid.NewGuid().ToString("N"));
        try
        {
            var original = Notebook.Load(notebook.Write());

            string copy = VersoCopy.Write(original, folder, new Dictionary<string, string> { ["epochs"] = "2" });

            var copied = Notebook.Load(copy);
            string expectedDirectory = Path.GetFullPath(notebook.Directory).Replace('\\', '/');
            Assert.Equal("var epochs = 2;", copied.Cells[0].Source);
            Assert.True(copied.Cells[0].IsParameters);
            Assert.Equal(
                $"#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#load \"{expectedDirectory}/setup.csx\" // the helper\n#r \"{Path.GetFullPath(Path.Combine(notebook.Directory, "..", "lib", "Tiny.dll")).Replace('\\', '/')}\"\nConsole.WriteLine(\"#r \\\"x.dll\\\"\");",
                copied.Cells[1].Source);
            Assert.Equal("var epochs = 10;", Notebook.Load(notebook.Path).Cells[0].Source);
            Assert.Throws<ArgumentException>(() => VersoCopy.Write(original, notebook.Directory));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    public static TheoryData<string> Chapters()
    {
        var data = new TheoryData<string>();
        foreach (string path in BookExporter.FindNotebooks(ChapterTests.NotebooksFolder))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    /// <summary>
    /// Every chapter, copied as <c>nn notebooks prepare --absolute-paths</c> copies it (with the CI parameters written in),
    /// runs top to bottom in the Verso profile: it compiles as C# 13, needs no .NET Interactive helper, writes nothing to
    /// stderr and shows every chart as HTML with plotly.js inside.
    /// </summary>
    [Theory]
    [MemberData(nameof(Chapters))]
    public async Task Chapter_runs_in_the_Verso_profile_from_its_prepared_copy(string chapter)
    {
        string folder = Path.Combine(Path.GetTempPath(), "nn-verso-" + Guid.NewGuid().ToString("N"));
        try
        {
            var parameters = ChapterParameters.Load(ChapterTests.ParametersFile);
            string copy = VersoCopy.Write(Notebook.Load(Path.Combine(ChapterTests.NotebooksFolder, chapter)), folder, parameters.For(chapter));

            NotebookRun run = await NotebookRunner.RunAsync(copy, Verso);

            Assert.True(run.Succeeded, run.Failure?.Message);
            Assert.All(run.Cells.SelectMany(c => c.Outputs).Where(o => o.Data.Count > 0), output => Assert.Single(output.Data));
            int charts = run.Cells.SelectMany(c => c.Outputs).Count(o => o["text/html"]?.Contains("Plotly.newPlot", StringComparison.Ordinal) == true);
            int chartCells = run.Notebook.Cells.Count(c => c.IsCSharp && c.Source.Contains(".Display();", StringComparison.Ordinal));
            Assert.True(charts >= chartCells, $"{chapter}: {charts} charts drawn for {chartCells} cells that display one");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}

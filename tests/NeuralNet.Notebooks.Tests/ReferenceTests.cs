using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// The chapters reference the built NeuralNet and NeuralNet.Plots by path; the Plots library uses
/// Plotly.NET, which the runner also hands to scripts. These check that each assembly loads once.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class ReferenceTests
{
    [Fact]
    public async Task A_library_referenced_by_path_shares_Plotly_and_its_own_dependency_with_the_notebook()
    {
        using var notebook = new TestNotebook();
        string core = Path.Combine(notebook.Directory, "core", "bin", "Core.dll");
        string plots = Path.Combine(notebook.Directory, "plots", "bin", "Plots.dll");
        Emit(core, "namespace Core; public sealed class Series { public double[] Values { get; init; } = []; }");
        Emit(plots, """
            namespace Plots;
            public static class Plot
            {
                public static Plotly.NET.GenericChart Line(Core.Series series) =>
                    Plotly.NET.CSharp.Chart.Line<int, double, string>(
                        x: System.Linq.Enumerable.Range(0, series.Values.Length), y: series.Values, Name: "series");
            }
            """, core);
        // Like a built NeuralNet.Plots: its bin folder carries its own copy of the core library.
        File.Copy(core, Path.Combine(Path.GetDirectoryName(plots)!, "Core.dll"));
        notebook
            .Code("#r \"core/bin/Core.dll\"\n#r \"plots/bin/Plots.dll\"\n#r \"nuget: Plotly.NET.Interactive, 6.0.0\"")
            .Code("var series = new Core.Series { Values = new[] { 3.0, 1, 2 } };\nPlotly.NET.GenericChart chart = Plots.Plot.Line(series);\nchart");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Contains("Plotly.newPlot", Assert.Single(run.Cells[1].Outputs)["text/html"]);
    }

    [Fact]
    public async Task Two_notebooks_in_one_process_load_a_library_that_was_rebuilt_between_them()
    {
        using var first = new TestNotebook("first.ipynb");
        using var second = new TestNotebook("second.ipynb");
        string root = first.Directory;
        string core = Path.Combine(root, "core", "bin", "Core.dll");
        string plots = Path.Combine(root, "plots", "bin", "Plots.dll");
        void Build(int version)
        {
            Emit(core, $"namespace Core; public sealed class Series {{ public double[] Values {{ get; init; }} = []; public static int Build => {version}; }}");
            Emit(plots, "namespace Plots; public static class Plot { public static int Count(Core.Series s) => s.Values.Length + Core.Series.Build; }", core);
            File.Copy(core, Path.Combine(Path.GetDirectoryName(plots)!, "Core.dll"), overwrite: true);
        }

        string cells = $"#r \"{core}\"\n#r \"{plots}\"\nPlots.Plot.Count(new Core.Series {{ Values = new[] {{ 1.0, 2 }} }})";
        Build(1);
        NotebookRun run1 = await first.Code(cells).RunAsync();
        Build(2);
        NotebookRun run2 = await second.Code(cells).RunAsync();

        run1.ThrowIfFailed();
        run2.ThrowIfFailed();
        Assert.Equal("3", Assert.Single(run1.Cells[0].Outputs)["text/plain"]);
        Assert.Equal("4", Assert.Single(run2.Cells[0].Outputs)["text/plain"]);
    }

    [Fact]
    public async Task A_stale_copy_of_a_loaded_dependency_in_a_librarys_folder_is_not_loaded_a_second_time()
    {
        // The chapters' situation after a Release build of the core library alone: core/bin has a new build,
        // plots/bin still holds the copy from the previous one (same name and version, different content).
        using var notebook = new TestNotebook();
        string core = Path.Combine(notebook.Directory, "core", "bin", "Core.dll");
        string plots = Path.Combine(notebook.Directory, "plots", "bin", "Plots.dll");
        Emit(core, "namespace Core; public static class Build { public static int Number => 1; }");
        Emit(plots, "namespace Plots; public static class Show { public static int Build => Core.Build.Number; }", core);
        File.Copy(core, Path.Combine(Path.GetDirectoryName(plots)!, "Core.dll"));
        Emit(core, "namespace Core; public static class Build { public static int Number => 2; }");
        notebook.Code("#r \"core/bin/Core.dll\"\n#r \"plots/bin/Plots.dll\"").Code("Plots.Show.Build");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Equal("2", Assert.Single(run.Cells[1].Outputs)["text/plain"]);
    }

    [Fact]
    public async Task A_missing_assembly_is_an_error_naming_the_path()
    {
        using TestNotebook notebook = new TestNotebook("missing.ipynb").Code("var a = 1;\n#r \"bin/Nowhere.dll\"");

        NotebookRun run = await notebook.RunAsync();

        Assert.Equal($"missing.ipynb, cell 1, line 2: #r: assembly not found: {Path.Combine(notebook.Directory, "bin", "Nowhere.dll")}", run.Failure?.Message);
    }

    [Fact]
    public async Task A_path_reference_to_an_assembly_the_runner_provides_uses_the_runners_copy()
    {
        using TestNotebook notebook = new TestNotebook().Code("#r \"somewhere/else/Plotly.NET.dll\"\ntypeof(Plotly.NET.GenericChart).Assembly.Location");

        NotebookRun run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Equal(typeof(Plotly.NET.GenericChart).Assembly.Location, Assert.Single(run.Cells[0].Outputs)["text/plain"]);
        Assert.Contains("uses the runner's own Plotly.NET.dll", Assert.Single(run.Cells[0].Notes));
    }

    private static void Emit(string path, string code, params string[] references)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var metadata = new List<MetadataReference>
        {
            MetadataReference.CreateFromFile(Path.Combine(runtime, "System.Runtime.dll")),
            MetadataReference.CreateFromFile(Path.Combine(runtime, "System.Linq.dll")),
            MetadataReference.CreateFromFile(typeof(object).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Plotly.NET.GenericChart).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Plotly.NET.CSharp.Chart).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(Microsoft.FSharp.Core.FSharpOption<>).Assembly.Location),
        };
        metadata.AddRange(references.Select(r => MetadataReference.CreateFromFile(r)));
        var compilation = CSharpCompilation.Create(
            Path.GetFileNameWithoutExtension(path), [CSharpSyntaxTree.ParseText(code)], metadata,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        EmitResult result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
    }
}

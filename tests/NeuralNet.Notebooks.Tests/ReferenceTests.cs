using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

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
        var core = Path.Combine(notebook.Directory, "core", "bin", "Core.dll");
        var plots = Path.Combine(notebook.Directory, "plots", "bin", "Plots.dll");
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

        var run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Contains("Plotly.newPlot", Assert.Single(run.Cells[1].Outputs)["text/html"]);
    }

    [Fact]
    public async Task A_path_reference_to_an_assembly_the_runner_provides_uses_the_runners_copy()
    {
        using var notebook = new TestNotebook().Code("#r \"somewhere/else/Plotly.NET.dll\"\ntypeof(Plotly.NET.GenericChart).Assembly.Location");

        var run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Equal(typeof(Plotly.NET.GenericChart).Assembly.Location, Assert.Single(run.Cells[0].Outputs)["text/plain"]);
        Assert.Contains("uses the runner's own Plotly.NET.dll", Assert.Single(run.Cells[0].Notes));
    }

    private static void Emit(string path, string code, params string[] references)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
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
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
    }
}

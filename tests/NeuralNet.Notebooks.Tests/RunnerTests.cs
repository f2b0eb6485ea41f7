namespace NeuralNet.Notebooks.Tests;

[Collection(NotebookCollection.Name)]
public sealed class RunnerTests
{
    [Fact]
    public async Task State_carries_from_cell_to_cell_and_the_trailing_expression_is_the_output()
    {
        using var notebook = new TestNotebook()
            .Code("var x = 20;")
            .Code("int Twice(int n) => 2 * n;")
            .Code("Twice(x) + 2");

        var run = await notebook.RunAsync();

        run.ThrowIfFailed();
        Assert.Empty(run.Cells[0].Outputs);
        var result = Assert.Single(run.Cells[2].Outputs);
        Assert.Equal("execute_result", result.OutputType);
        Assert.Equal("42", result["text/plain"]);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookCollection
{
    public const string Name = "Notebook runs (share the console and the working directory)";
}

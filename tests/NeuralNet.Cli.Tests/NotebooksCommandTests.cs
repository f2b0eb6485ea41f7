using System.CommandLine;
using NeuralNet.Cli.Commands;
using NeuralNet.Notebooks;
using NeuralNet.Notebooks.Tests;

namespace NeuralNet.Cli.Tests;

// The runner sets the process's working directory while a notebook runs: these share the "cli" collection so
// that no other command test runs beside them.
[Collection("cli")]
public sealed class NotebooksCommandTests
{
    [Fact]
    public async Task The_command_runs_and_writes_outputs_and_prints_each_cell()
    {
        using TestNotebook notebook = new TestNotebook("cmd.ipynb").Parameters("var n = 1;").Code("Console.WriteLine(n * 10);");
        notebook.Write();
        var output = new StringWriter();

        int exit = await NotebooksCommand.RunAsync([notebook.Path], write: true, sets: ["n=4"], parametersFile: null, output);

        Assert.Equal(0, exit);
        string[] lines = output.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("▶ cmd.ipynb", lines[0]);
        Assert.Matches(@"^  cell +1  passed +\d+\.\d\d s$", lines[1]);
        Assert.Matches(@"^  cell +2  passed +\d+\.\d\d s$", lines[2]);
        Assert.StartsWith("✔ cmd.ipynb passed in", lines[3]);
        Assert.Equal("Notebooks run: 1 of 1 passed", lines[4]);
        Assert.Equal("40\n", Notebook.Load(notebook.Path).Cells[1].StoredOutputs.Single().Text?.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task The_command_fails_with_the_runners_message()
    {
        using TestNotebook notebook = new TestNotebook("bad.ipynb").Code("var x = ;");
        notebook.Write();
        var output = new StringWriter();

        int exit = await NotebooksCommand.RunAsync([notebook.Path], write: false, sets: [], parametersFile: null, output);

        Assert.Equal(1, exit);
        Assert.Contains("✗ bad.ipynb failed: bad.ipynb, cell 1, line 1: error CS1525: Invalid expression term ';'", output.ToString());
        Assert.Contains("Notebooks run: 0 of 1 passed", output.ToString());
    }

    [Fact]
    public void The_command_line_parses_run_and_export()
    {
        Command command = NotebooksCommand.Create();

        ParseResult run = command.Parse(["run", "a.ipynb", "b.ipynb", "--write", "--set", "epochs=1", "--set", "batch=32"]);
        ParseResult export = command.Parse(["export", "notebooks/", "--out", "book/", "--no-run"]);

        Assert.Empty(run.Errors);
        Assert.Empty(export.Errors);
        Assert.Equal(["run", "export"], command.Subcommands.Select(c => c.Name));
    }
}

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
        Assert.Equal(["run", "export", "prepare"], command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
    }

    [Fact]
    public async Task A_cell_that_exits_or_overflows_the_stack_fails_that_cell_and_the_next_notebook_still_runs()
    {
        using TestNotebook exits = new TestNotebook("exit.ipynb").Code("Console.WriteLine(1);").Code("Environment.Exit(0);").Code("Console.WriteLine(3);");
        using TestNotebook overflows = new TestNotebook("overflow.ipynb").Code("int Deeper(int x) => Deeper(x + 1) + 1;\nDeeper(0)");
        using TestNotebook fine = new TestNotebook("fine.ipynb").Code("Console.WriteLine(\"ok\");");
        exits.Write();
        overflows.Write();
        fine.Write();
        var output = new StringWriter();

        int exit = await NotebooksCommand.RunAsync([exits.Path, overflows.Path, fine.Path], write: false, sets: [], parametersFile: null, output);

        string text = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains("✗ exit.ipynb failed: exit.ipynb, cell 2: ended the notebook's process (exit code 0, as Environment.Exit does)", text);
        Assert.Contains("✗ overflow.ipynb failed: overflow.ipynb, cell 1: stack overflow", text);
        Assert.Contains("✔ fine.ipynb passed", text);
        Assert.Contains("Notebooks run: 1 of 3 passed, 2 with a failed cell", text);
    }

    [Fact]
    public async Task Export_survives_a_cell_that_exits_and_still_writes_the_index()
    {
        using TestNotebook exits = new TestNotebook("exit.ipynb").Code("Environment.Exit(0);");
        using TestNotebook fine = new TestNotebook("fine.ipynb").Code("Console.WriteLine(\"printed\");");
        exits.Write();
        fine.Write();
        var book = new DirectoryInfo(Path.Combine(Path.GetTempPath(), "nn-book-" + Guid.NewGuid().ToString("N")));
        var output = new StringWriter();
        try
        {
            int exit = await NotebooksCommand.ExportAsync([exits.Path, fine.Path], book, noRun: false, sets: [], parametersFile: null, output);

            Assert.Equal(1, exit);
            Assert.True(File.Exists(Path.Combine(book.FullName, "index.html")), output.ToString());
            Assert.Contains("(exit code 0, as Environment.Exit does)", File.ReadAllText(Path.Combine(book.FullName, "exit.html")));
            Assert.Contains("printed", File.ReadAllText(Path.Combine(book.FullName, "fine.html")));
        }
        finally
        {
            if (book.Exists)
            {
                book.Delete(recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_cell_that_never_ends_fails_after_the_cell_timeout()
    {
        using TestNotebook loops = new TestNotebook("loop.ipynb").Code("Console.WriteLine(1);").Code("while (true) { }");
        loops.Write();
        var output = new StringWriter();

        int exit = await NotebooksCommand.RunAsync([loops.Path], write: false, sets: [], parametersFile: null, output, cellTimeout: TimeSpan.FromSeconds(15));

        Assert.Equal(1, exit);
        Assert.Contains("✗ loop.ipynb failed: loop.ipynb, cell 2: did not finish within 15 s (the cell timeout); its process was stopped.", output.ToString());
    }

    [Fact]
    public async Task Failed_exercise_checks_are_listed_and_give_exit_code_4()
    {
        using TestNotebook checks = new TestNotebook("checks.ipynb").Code("Console.WriteLine(\"✘ Exercise 1: dW has the wrong shape\");").Code("\"✔ Exercise 2: right\"");
        checks.Write();
        var output = new StringWriter();

        int exit = await NotebooksCommand.RunAsync([checks.Path], write: false, sets: [], parametersFile: null, output);

        string text = output.ToString();
        Assert.True(exit == NotebooksCommand.ChecksFailed, text);
        Assert.Contains("  cell   1  ✘ Exercise 1: dW has the wrong shape", text);
        Assert.Contains("✘ checks.ipynb: every cell ran, but 1 exercise check failed (cell 1)", text);
        Assert.Contains("Notebooks run: 0 of 1 passed, 1 with failed exercise checks", text);
    }

    [Fact]
    public async Task A_broken_notebook_and_an_unwritable_folder_are_reported_on_stderr_with_exit_code_2()
    {
        using var broken = new TestNotebook("broken.ipynb");
        File.WriteAllText(broken.Path, "{\"cells\": [");
        using TestNotebook locked = new TestNotebook("locked.ipynb").Code("Console.WriteLine(1);");
        locked.Write();
        var output = new StringWriter();
        var error = new StringWriter();
        bool lockedFolder = ReadOnlyFolder.TryLock(locked.Directory);
        try
        {
            int exit = await NotebooksCommand.RunAsync([broken.Path, locked.Path], write: true, sets: [], parametersFile: null, output, error);

            Assert.Equal(2, exit);
            Assert.Contains("broken.ipynb: not valid JSON", error.ToString());
            Assert.DoesNotContain("not valid JSON", output.ToString());
            if (lockedFolder)
            {
                Assert.Contains("--write: cannot write into", error.ToString());
                Assert.DoesNotContain("   at ", error.ToString() + output.ToString());
            }
        }
        finally
        {
            ReadOnlyFolder.Unlock(locked.Directory);
        }
    }

    [Fact]
    public void Prepare_writes_copies_with_absolute_paths_into_another_folder()
    {
        using TestNotebook notebook = new TestNotebook("chapter.ipynb").Parameters("var epochs = 5;").Code("#load \"setup.csx\"");
        notebook.Write();
        string folder = Path.Combine(Path.GetTempPath(), "nn-prepare-" + Guid.NewGuid().ToString("N"));
        var output = new StringWriter();
        try
        {
            int exit = NotebooksCommand.Prepare([notebook.Path], new DirectoryInfo(folder), absolutePaths: true, sets: ["epochs=1"], parametersFile: null, output);
            int intoItself = NotebooksCommand.Prepare([notebook.Path], new DirectoryInfo(notebook.Directory), absolutePaths: true, sets: [], parametersFile: null, output);

            Assert.Equal(0, exit);
            Assert.Equal(2, intoItself);
            var copy = Notebook.Load(Path.Combine(folder, "chapter.ipynb"));
            Assert.Equal("var epochs = 1;", copy.Cells[0].Source);
            Assert.Equal($"#load \"{Path.Combine(notebook.Directory, "setup.csx").Replace('\\', '/')}\"", copy.Cells[1].Source);
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

/// <summary>Makes a folder that even root cannot write into (chmod for a user, the immutable flag for root), where the system allows it.</summary>
internal static class ReadOnlyFolder
{
    public static bool TryLock(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (!CanWrite(folder))
        {
            return true;
        }

        Run("chattr", "+i", folder);
        return !CanWrite(folder);
    }

    public static void Unlock(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Run("chattr", "-i", folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            using (File.Create(Path.Combine(folder, ".probe"), 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        try
        {
            using System.Diagnostics.Process process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
            process.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No chattr here: the folder stays writable for root, and the test says so by not asserting on it.
        }
    }
}

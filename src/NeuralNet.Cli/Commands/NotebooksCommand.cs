using System.CommandLine;
using System.Globalization;
using NeuralNet.Notebooks;

namespace NeuralNet.Cli.Commands;

/// <summary>
/// The <c>nn notebooks</c> command: <c>run</c> executes chapters headless and prints each cell's result and
/// time (<c>--write</c> saves the outputs into the .ipynb); <c>export</c> writes the static HTML book.
/// </summary>
public static class NotebooksCommand
{
    /// <summary>Creates the <c>notebooks</c> command with its <c>run</c> and <c>export</c> subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("notebooks", "Run the chapter notebooks headless, or export them as an HTML book.");
        command.Subcommands.Add(CreateRun());
        command.Subcommands.Add(CreateExport());
        return command;
    }

    private static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a variable of the chapter's parameters cell (tagged 'parameters'), e.g. --set epochs=1. Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private static Option<FileInfo?> ParametersFileOption() => new("--parameters")
    {
        Description = "A JSON file of per-chapter parameter values, e.g. notebooks/ci-parameters.json: { \"04-training.ipynb\": { \"epochs\": 1 } }.",
    };

    private static Command CreateRun()
    {
        var notebooks = new Argument<string[]>("notebooks")
        {
            Description = "Notebook files, or folders whose .ipynb files to run (in file-name order).",
            Arity = ArgumentArity.OneOrMore,
        };
        var write = new Option<bool>("--write") { Description = "Save the outputs into each .ipynb, as the kernel would, so it opens showing its plots." };
        Option<string[]> set = SetOption();
        Option<FileInfo?> parametersFile = ParametersFileOption();
        var command = new Command("run", "Run notebooks top to bottom and print each cell's result and time; exit code 1 if a cell fails.")
        {
            notebooks, write, set, parametersFile,
        };
        command.SetAction((parse, _) => RunAsync(
            parse.GetValue(notebooks) ?? [], parse.GetValue(write), parse.GetValue(set) ?? [], parse.GetValue(parametersFile), parse.InvocationConfiguration.Output));
        return command;
    }

    private static Command CreateExport()
    {
        var notebooks = new Argument<string[]>("notebooks")
        {
            Description = "The notebooks folder (or notebook files) to export.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "The folder to write the book into.", DefaultValueFactory = _ => new DirectoryInfo("book") };
        var noRun = new Option<bool>("--no-run") { Description = "Use the outputs saved in the notebooks instead of running them." };
        Option<string[]> set = SetOption();
        Option<FileInfo?> parametersFile = ParametersFileOption();
        var command = new Command("export", "Write one static HTML page per chapter (charts drawn offline) and an index page.")
        {
            notebooks, output, noRun, set, parametersFile,
        };
        command.SetAction((parse, _) => ExportAsync(
            parse.GetValue(notebooks) ?? [], parse.GetValue(output)!, parse.GetValue(noRun), parse.GetValue(set) ?? [],
            parse.GetValue(parametersFile), parse.InvocationConfiguration.Output));
        return command;
    }

    /// <summary>Runs notebooks as <c>nn notebooks run</c> does and returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> inputs, bool write, IReadOnlyList<string> sets, FileInfo? parametersFile, TextWriter output)
    {
        if (!TryPrepare(inputs, sets, parametersFile, output, out IReadOnlyList<string>? paths, out Func<Notebook, IReadOnlyDictionary<string, string>>? parametersFor))
        {
            return 2;
        }

        int passed = 0;
        foreach (string path in paths)
        {
            Notebook notebook;
            try
            {
                notebook = Notebook.Load(path);
            }
            catch (Exception e) when (e is NotebookFormatException or IOException)
            {
                output.WriteLine($"✗ {path}: {e.Message}");
                continue;
            }

            output.WriteLine($"▶ {notebook.Name}");
            NotebookRun run;
            try
            {
                run = await NotebookRunner.RunAsync(notebook, new NotebookRunOptions
                {
                    Parameters = parametersFor(notebook),
                    CellCompleted = (_, cell) => ReportCell(cell, output),
                });
            }
            catch (ArgumentException e)
            {
                output.WriteLine($"✗ {e.Message}");
                continue;
            }

            if (write)
            {
                run.Save();
            }

            if (run.Succeeded)
            {
                passed++;
                output.WriteLine($"✔ {notebook.Name} passed in {Seconds(run.Elapsed)}{(write ? " (outputs saved)" : "")}");
            }
            else
            {
                output.WriteLine($"✗ {notebook.Name} failed: {run.Failure!.Message}");
            }
        }

        output.WriteLine($"Notebooks run: {passed} of {paths.Count} passed");
        return passed == paths.Count ? 0 : 1;
    }

    /// <summary>Exports notebooks as <c>nn notebooks export</c> does and returns the exit code.</summary>
    public static async Task<int> ExportAsync(
        IReadOnlyList<string> inputs, DirectoryInfo outputFolder, bool noRun, IReadOnlyList<string> sets, FileInfo? parametersFile, TextWriter output)
    {
        if (!TryPrepare(inputs, sets, parametersFile, output, out IReadOnlyList<string>? paths, out Func<Notebook, IReadOnlyDictionary<string, string>>? parametersFor))
        {
            return 2;
        }

        IReadOnlyList<BookPage> pages;
        try
        {
            pages = await BookExporter.ExportAsync(paths, outputFolder.FullName, new BookOptions
            {
                Run = !noRun,
                ParametersFor = parametersFor,
                NotebookStarting = notebook => output.WriteLine($"▶ {notebook.Name}"),
                CellCompleted = (_, run) => ReportCell(run, output),
            });
        }
        catch (Exception e) when (e is NotebookFormatException or IOException or ArgumentException)
        {
            output.WriteLine($"✗ {e.Message}");
            return 2;
        }

        foreach (BookPage page in pages)
        {
            string state = page.Run switch
            {
                null => "",
                { Succeeded: true } run => $" (ran in {Seconds(run.Elapsed)})",
                { } run => $" (FAILED: {run.Failure!.Message})",
            };
            output.WriteLine($"  {Path.GetRelativePath(Environment.CurrentDirectory, page.PagePath)}{state}");
        }

        output.WriteLine($"Book written to {Path.Combine(outputFolder.FullName, "index.html")}");
        return pages.All(p => p.Run is null or { Succeeded: true }) ? 0 : 1;
    }

    private static bool TryPrepare(
        IReadOnlyList<string> inputs, IReadOnlyList<string> sets, FileInfo? parametersFile, TextWriter output,
        out IReadOnlyList<string> paths, out Func<Notebook, IReadOnlyDictionary<string, string>> parametersFor)
    {
        paths = [];
        parametersFor = _ => new Dictionary<string, string>();
        var found = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                found.AddRange(BookExporter.FindNotebooks(input));
            }
            else if (File.Exists(input))
            {
                found.Add(input);
            }
            else
            {
                output.WriteLine($"✗ No such notebook or folder: {input}");
                return false;
            }
        }

        IReadOnlyDictionary<string, string> overrides;
        ChapterParameters fromFile;
        try
        {
            overrides = ParameterOverrides.Parse(sets);
            fromFile = parametersFile is null ? ChapterParameters.None : ChapterParameters.Load(parametersFile.FullName);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            output.WriteLine($"✗ {e.Message}");
            return false;
        }

        bool strict = found.Count == 1;
        parametersFor = notebook =>
        {
            var values = new Dictionary<string, string>(fromFile.For(notebook.Name));
            foreach ((string? name, string? value) in overrides)
            {
                values[name] = value;
            }

            if (strict || notebook.ParametersCell is null && values.Count == 0)
            {
                return values;
            }

            // Running several chapters: a --set applies to the chapters that have that parameter.
            IReadOnlyList<string> known = notebook.ParametersCell is { } cell ? ParameterOverrides.Names(cell.Source) : [];
            foreach (string name in values.Keys.Where(n => !known.Contains(n)).ToArray())
            {
                if (overrides.ContainsKey(name) && !fromFile.For(notebook.Name).ContainsKey(name))
                {
                    values.Remove(name);
                }
            }

            return values;
        };
        paths = found;
        return true;
    }

    private static void ReportCell(CellRun cell, TextWriter output)
    {
        if (cell.Kind != CellKind.Code || cell.Status == CellStatus.NotRun)
        {
            return;
        }

        string status = cell.Status == CellStatus.Passed ? "passed" : "FAILED";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cell {cell.Number,3}  {status,-6} {Seconds(cell.Elapsed),8}"));
        foreach (string note in cell.Notes)
        {
            output.WriteLine($"            note: {note}");
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}

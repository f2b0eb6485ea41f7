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
        command.Subcommands.Add(CreatePrepare());
        command.Subcommands.Add(CreateRunChild());
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
        var verso = new Option<bool>("--verso") { Description = "Run as Verso's C# kernel would (C# 13, no .NET Interactive helpers; stderr, a chart shown as text or a relative #r/#load path fail the cell). Run it on copies from `nn notebooks prepare`." };
        var timeout = new Option<double>("--cell-timeout")
        {
            Description = "The most seconds a cell may run before its notebook is stopped and the cell fails.",
            DefaultValueFactory = _ => DefaultCellTimeout.TotalSeconds,
        };
        Option<string[]> set = SetOption();
        Option<FileInfo?> parametersFile = ParametersFileOption();
        var command = new Command("run",
            "Run notebooks top to bottom, each in a process of its own, and print each cell's result and time. Exit code 0: all passed; "
            + "1: a cell failed, crashed or timed out; 2: bad arguments or files; 4: every cell ran but an exercise check printed ✘.")
        {
            notebooks, write, verso, timeout, set, parametersFile,
        };
        command.SetAction((parse, _) => RunAsync(
            parse.GetValue(notebooks) ?? [], parse.GetValue(write), parse.GetValue(set) ?? [], parse.GetValue(parametersFile), parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error, parse.GetValue(verso), TimeSpan.FromSeconds(parse.GetValue(timeout))));
        return command;
    }

    /// <summary>The default of <c>--cell-timeout</c>: longer than any chapter cell takes on a slow machine with the full parameters.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Exit code of <c>nn notebooks run</c> when every cell ran but an exercise check failed (printed ✘).</summary>
    public const int ChecksFailed = 4;

    // The process that runs one notebook for `run` (hidden: `run` starts it, reads its report file and reports for it).
    private static Command CreateRunChild()
    {
        var notebook = new Argument<string>("notebook");
        var report = new Option<string>("--report") { Required = true };
        var write = new Option<bool>("--write");
        var verso = new Option<bool>("--verso");
        var saveTo = new Option<string?>("--save-to");
        Option<string[]> set = SetOption();
        var command = new Command(ChildCommandName, "Runs one notebook for `nn notebooks run` and reports to it.") { notebook, report, write, verso, saveTo, set };
        command.Hidden = true;
        command.SetAction(async (parse, _) =>
        {
            var loaded = Notebook.Load(parse.GetValue(notebook)!);
            await NotebookProcess.ServeAsync(loaded, parse.GetValue(report)!, new NotebookRunOptions
            {
                Parameters = ParameterOverrides.Parse(parse.GetValue(set) ?? []),
                Profile = parse.GetValue(verso) ? NotebookProfile.Verso : NotebookProfile.Kernel,
            }, parse.GetValue(write), parse.GetValue(saveTo));
            return 0;
        });
        return command;
    }

    private const string ChildCommandName = "run-child";

    /// <summary>Runs notebooks as <c>nn notebooks run</c> does and returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> inputs, bool write, IReadOnlyList<string> sets, FileInfo? parametersFile, TextWriter output,
        TextWriter? error = null, bool verso = false, TimeSpan? cellTimeout = null)
    {
        error ??= output;
        if (!TryPrepare(inputs, sets, parametersFile, error, out IReadOnlyList<string>? paths, out Func<Notebook, IReadOnlyDictionary<string, string>>? parametersFor))
        {
            return 2;
        }

        if (cellTimeout is { } limit && limit <= TimeSpan.Zero)
        {
            error.WriteLine($"✗ --cell-timeout must be a positive number of seconds, got {limit.TotalSeconds}.");
            return 2;
        }

        int passed = 0, cellFailures = 0, fileProblems = 0, withFailedChecks = 0;
        foreach (string path in paths)
        {
            Notebook notebook;
            IReadOnlyDictionary<string, string> parameters;
            try
            {
                notebook = Notebook.Load(path);
                parameters = parametersFor(notebook);
                NotebookRunner.CheckParameters(notebook, parameters);
                if (write)
                {
                    CheckWritable(notebook);
                }
            }
            catch (Exception e) when (e is NotebookFormatException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                error.WriteLine($"✗ {path}: {e.Message}");
                fileProblems++;
                continue;
            }

            output.WriteLine($"▶ {notebook.Name}");
            NotebookProcessResult run = await NotebookProcess.RunAsync(notebook.Name, report => ChildProcess(notebook.Path, report, write, verso, parameters),
                new NotebookProcessOptions
                {
                    CellTimeout = cellTimeout ?? DefaultCellTimeout,
                    CellCompleted = cell => ReportCell(cell, output),
                    StrayOutput = line => output.WriteLine($"            | {line}"),
                });

            IReadOnlyList<(int Cell, string Line)> failedChecks = run.FailedChecks;
            foreach ((int cell, string line) in failedChecks)
            {
                output.WriteLine($"  cell {cell,3}  {line}");
            }

            if (!run.Succeeded)
            {
                cellFailures++;
                output.WriteLine($"✗ {notebook.Name} failed: {run.Failure}{(write ? " (outputs not saved)" : "")}");
            }
            else if (run.SaveError is not null)
            {
                fileProblems++;
                error.WriteLine($"✗ {notebook.Name}: {run.SaveError}");
            }
            else if (failedChecks.Count > 0)
            {
                withFailedChecks++;
                output.WriteLine($"✘ {notebook.Name}: every cell ran, but {Count(failedChecks.Count, "exercise check")} failed "
                    + $"({Cells(failedChecks.Select(c => c.Cell).Distinct().ToArray())}){(run.Saved ? " (outputs saved)" : "")}");
            }
            else
            {
                passed++;
                output.WriteLine($"✔ {notebook.Name} passed in {Seconds(run.Elapsed)}{(run.Saved ? " (outputs saved)" : "")}");
            }
        }

        output.WriteLine($"Notebooks run: {passed} of {paths.Count} passed"
            + (withFailedChecks > 0 ? $", {withFailedChecks} with failed exercise checks" : "")
            + (cellFailures > 0 ? $", {cellFailures} with a failed cell" : "")
            + (fileProblems > 0 ? $", {fileProblems} not readable or not writable" : ""));
        return cellFailures > 0 ? 1 : fileProblems > 0 ? 2 : withFailedChecks > 0 ? ChecksFailed : 0;
    }

    private static string Cells(int[] numbers) => (numbers.Length == 1 ? "cell " : "cells ") + string.Join(", ", numbers);

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    // A run that cannot save its outputs should say so before it spends minutes running.
    private static void CheckWritable(Notebook notebook)
    {
        if (File.Exists(notebook.Path) && File.GetAttributes(notebook.Path).HasFlag(FileAttributes.ReadOnly))
        {
            throw new UnauthorizedAccessException($"--write: {notebook.Path} is read-only.");
        }

        string probe = Path.Combine(notebook.Directory, $".nn-write-check-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException($"--write: cannot write into {Path.GetFullPath(notebook.Directory)} ({e.Message}); the outputs could not be saved.", e);
        }
    }

    // This very command, run again as the notebook's own process: `dotnet exec NeuralNet.Cli.dll notebooks run-child ...`.
    private static System.Diagnostics.ProcessStartInfo ChildProcess(string notebook, string report, bool write, bool verso, IReadOnlyDictionary<string, string> parameters,
        string? saveTo = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo(DotnetHost()) { UseShellExecute = false };
        foreach (string argument in new[] { "exec", typeof(NotebooksCommand).Assembly.Location, "notebooks", ChildCommandName, notebook, "--report", report })
        {
            start.ArgumentList.Add(argument);
        }

        if (write)
        {
            start.ArgumentList.Add("--write");
        }

        if (verso)
        {
            start.ArgumentList.Add("--verso");
        }

        if (saveTo is not null)
        {
            start.ArgumentList.Add("--save-to");
            start.ArgumentList.Add(saveTo);
        }

        foreach ((string name, string value) in parameters)
        {
            start.ArgumentList.Add("--set");
            start.ArgumentList.Add($"{name}={value}");
        }

        return start;
    }

    // The dotnet host that runs this process (or the one the SDK names), so the child runs on the same runtime.
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
        string runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        string root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        string candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
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

    private static Command CreatePrepare()
    {
        var notebooks = new Argument<string[]>("notebooks")
        {
            Description = "The notebooks folder (or notebook files) to copy.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "The folder to write the copies into (not the chapters' own).", Required = true };
        var absolutePaths = new Option<bool>("--absolute-paths")
        {
            Description = "Make every #r \"file\" and #load \"file\" path absolute, which Verso needs (it resolves none from the notebook's folder). On by default.",
            DefaultValueFactory = _ => true,
        };
        Option<string[]> set = SetOption();
        Option<FileInfo?> parametersFile = ParametersFileOption();
        var command = new Command("prepare", "Write copies of the chapters that Verso opens as they are: absolute #r/#load paths, parameter values written into the parameters cell.")
        {
            notebooks, output, absolutePaths, set, parametersFile,
        };
        command.SetAction(parse => Prepare(parse.GetValue(notebooks) ?? [], parse.GetValue(output)!, parse.GetValue(absolutePaths),
            parse.GetValue(set) ?? [], parse.GetValue(parametersFile), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Writes Verso-ready copies as <c>nn notebooks prepare</c> does and returns the exit code.</summary>
    public static int Prepare(IReadOnlyList<string> inputs, DirectoryInfo outputFolder, bool absolutePaths, IReadOnlyList<string> sets, FileInfo? parametersFile,
        TextWriter output, TextWriter? error = null)
    {
        error ??= output;
        if (!absolutePaths)
        {
            error.WriteLine("✗ prepare writes absolute #r/#load paths, the one change Verso needs; --absolute-paths false leaves nothing to do.");
            return 2;
        }

        if (!TryPrepare(inputs, sets, parametersFile, error, out IReadOnlyList<string>? paths, out Func<Notebook, IReadOnlyDictionary<string, string>>? parametersFor))
        {
            return 2;
        }

        try
        {
            foreach (string path in paths)
            {
                var notebook = Notebook.Load(path);
                IReadOnlyDictionary<string, string> parameters = parametersFor(notebook);
                NotebookRunner.CheckParameters(notebook, parameters);
                string copy = VersoCopy.Write(notebook, outputFolder.FullName, parameters);
                output.WriteLine($"  {copy}{(parameters.Count > 0 ? $" ({string.Join(", ", parameters.Select(p => $"{p.Key} = {p.Value}"))})" : "")}");
            }
        }
        catch (Exception e) when (e is NotebookFormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"✗ {e.Message}");
            return 2;
        }

        output.WriteLine($"Copies for Verso written to {outputFolder.FullName}: open them there (they load the library and setup.csx from {Path.GetFullPath(Path.GetDirectoryName(paths[0]) ?? ".")}).");
        return 0;
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
        DirectoryInfo scratch = Directory.CreateTempSubdirectory("nn-export-");
        try
        {
            pages = await BookExporter.ExportAsync(paths, outputFolder.FullName, new BookOptions
            {
                Run = !noRun,
                ParametersFor = parametersFor,
                NotebookStarting = notebook => output.WriteLine($"▶ {notebook.Name}"),
                // Each chapter in a process of its own, as `run` does: a cell that exits or crashes fails, the book is still written.
                RunNotebook = async (notebook, parameters) =>
                {
                    string executed = Path.Combine(scratch.FullName, notebook.Name);
                    NotebookProcessResult result = await NotebookProcess.RunAsync(notebook.Name,
                        report => ChildProcess(notebook.Path, report, write: true, verso: false, parameters, saveTo: executed),
                        new NotebookProcessOptions { CellCompleted = cell => ReportCell(cell, output), StrayOutput = line => output.WriteLine($"            | {line}") });
                    return NotebookRun.FromProcess(notebook, result, File.Exists(executed) ? Notebook.Load(executed) : null);
                },
            });
        }
        catch (Exception e) when (e is NotebookFormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            output.WriteLine($"✗ {e.Message}");
            return 2;
        }
        finally
        {
            scratch.Delete(recursive: true);
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

    private static void ReportCell(CellSummary cell, TextWriter output)
    {
        string status = cell.Status == CellStatus.Passed ? "passed" : "FAILED";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cell {cell.Number,3}  {status,-6} {Seconds(cell.Elapsed),8}"));
        foreach (string note in cell.Notes)
        {
            output.WriteLine($"            note: {note}");
        }
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

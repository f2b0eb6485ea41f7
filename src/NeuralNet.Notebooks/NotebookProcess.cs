using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace NeuralNet.Notebooks;

/// <summary>How one cell went, as the process that ran it reported it.</summary>
/// <param name="Number">The cell's number in the notebook, from 1.</param>
/// <param name="Status">Passed or failed.</param>
/// <param name="Elapsed">How long it took.</param>
/// <param name="Notes">Magic lines the runner skipped or replaced.</param>
/// <param name="FailedChecks">Its output lines that start with ✘ (a wrong exercise answer).</param>
public sealed record CellSummary(int Number, CellStatus Status, TimeSpan Elapsed, IReadOnlyList<string> Notes, IReadOnlyList<string> FailedChecks);

/// <summary>A notebook run in a process of its own (<see cref="NotebookProcess.RunAsync"/>).</summary>
/// <param name="Succeeded">Every code cell ran without an error, and the process ended normally.</param>
/// <param name="Failure">What failed, naming the notebook and the cell; null when it succeeded.</param>
/// <param name="Cells">The code cells that finished, in order.</param>
/// <param name="Elapsed">How long the whole run took.</param>
/// <param name="Saved">Whether the outputs were saved into the notebook (asked for and done).</param>
/// <param name="SaveError">Why saving failed, when it was asked for and failed.</param>
/// <param name="FailedCell">The number of the cell that failed, where one did.</param>
public sealed record NotebookProcessResult(bool Succeeded, string? Failure, IReadOnlyList<CellSummary> Cells, TimeSpan Elapsed, bool Saved, string? SaveError, int? FailedCell = null)
{
    /// <summary>Every failed exercise check, with its cell.</summary>
    public IReadOnlyList<(int Cell, string Line)> FailedChecks => Cells.SelectMany(c => c.FailedChecks.Select(line => (c.Number, line))).ToArray();
}

/// <summary>Options for <see cref="NotebookProcess.RunAsync"/>.</summary>
public sealed record NotebookProcessOptions
{
    /// <summary>The longest a cell may run; the process is then stopped and the cell fails (default 30 minutes).</summary>
    public TimeSpan CellTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Called when a code cell starts.</summary>
    public Action<int>? CellStarting { get; init; }

    /// <summary>Called when a code cell has finished.</summary>
    public Action<CellSummary>? CellCompleted { get; init; }

    /// <summary>Called with each line the notebook's process printed outside any cell's outputs.</summary>
    public Action<string>? StrayOutput { get; init; }
}

/// <summary>
/// Runs a notebook in a process of its own, which reports each cell's start and end to this one. Whatever a cell does
/// to its process — <c>Environment.Exit</c>, a stack overflow, a native crash, a loop that never ends — is then
/// pinned on that cell as its failure, and the caller goes on with the next notebook: no false pass, no hang.
/// The child side is <see cref="ServeAsync"/>; the caller says how to start it (the <c>nn</c> command starts itself).
/// </summary>
public static class NotebookProcess
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Message(string Kind, int Cell = 0, string? Status = null, double Seconds = 0,
        string[]? Notes = null, string[]? Checks = null, string? Failure = null, bool Saved = false, string? SaveError = null);

    /// <summary>Starts the notebook's process and follows it to the end.</summary>
    /// <param name="notebookName">The notebook's file name, for messages.</param>
    /// <param name="startChild">The process to start, given the file it must report to (see <see cref="ServeAsync"/>).</param>
    /// <param name="options">The cell timeout and progress callbacks.</param>
    public static async Task<NotebookProcessResult> RunAsync(string notebookName, Func<string, ProcessStartInfo> startChild, NotebookProcessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(startChild);
        options ??= new NotebookProcessOptions();
        string reportFile = Path.Combine(Path.GetTempPath(), $"nn-notebook-{Environment.ProcessId}-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(reportFile, "");
        var clock = Stopwatch.StartNew();
        var cells = new List<CellSummary>();
        var stderr = new StringBuilder();
        Message? end = null;
        int? runningCell = null;
        var cellClock = Stopwatch.StartNew();
        bool timedOut = false;
        try
        {
            ProcessStartInfo start = startChild(reportFile);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) options.StrayOutput?.Invoke(line); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (stderr) { stderr.AppendLine(line); } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            using var report = new FileStream(reportFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(report, Encoding.UTF8);
            var pending = new StringBuilder();
            while (true)
            {
                bool exited = process.WaitForExit(100);
                // Complete lines only: the child may be half way through writing one.
                pending.Append(await reader.ReadToEndAsync().ConfigureAwait(false));
                string text = pending.ToString();
                int lastNewline = text.LastIndexOf('\n');
                if (lastNewline >= 0)
                {
                    foreach (string line in text[..lastNewline].Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        Message message = JsonSerializer.Deserialize<Message>(line, Json)!;
                        switch (message.Kind)
                        {
                            case "start":
                                runningCell = message.Cell;
                                cellClock.Restart();
                                options.CellStarting?.Invoke(message.Cell);
                                break;
                            case "cell":
                                runningCell = null;
                                var summary = new CellSummary(message.Cell, Enum.Parse<CellStatus>(message.Status!), TimeSpan.FromSeconds(message.Seconds),
                                    message.Notes ?? [], message.Checks ?? []);
                                cells.Add(summary);
                                options.CellCompleted?.Invoke(summary);
                                break;
                            case "end":
                                end = message;
                                break;
                        }
                    }

                    pending.Remove(0, lastNewline + 1);
                }

                if (exited)
                {
                    process.WaitForExit(); // the output and error streams are drained
                    break;
                }

                if (runningCell is not null && cellClock.Elapsed > options.CellTimeout)
                {
                    timedOut = true;
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                    break;
                }
            }

            if (end is not null && !timedOut)
            {
                return new NotebookProcessResult(end.Failure is null, end.Failure, cells, clock.Elapsed, end.Saved, end.SaveError,
                    cells.LastOrDefault(c => c.Status == CellStatus.Failed)?.Number);
            }

            string failure = timedOut
                ? $"{notebookName}, cell {runningCell}: did not finish within {Describe(options.CellTimeout)} (the cell timeout); its process was stopped."
                : Ended(notebookName, runningCell, process.ExitCode, stderr.ToString());
            return new NotebookProcessResult(false, failure, cells, clock.Elapsed, Saved: false, SaveError: null, runningCell);
        }
        finally
        {
            File.Delete(reportFile);
        }
    }

    // The process ended without its final report: the running cell ended it (or crashed it).
    private static string Ended(string notebookName, int? cell, int exitCode, string stderr)
    {
        string where = cell is null ? $"{notebookName}: the notebook's process" : $"{notebookName}, cell {cell}:";
        string said = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        if (said.StartsWith("Stack overflow", StringComparison.OrdinalIgnoreCase))
        {
            return $"{where} stack overflow (infinite recursion?); the notebook's process crashed (exit code {exitCode}).";
        }

        return cell is null
            ? $"{where} ended (exit code {exitCode}) before any cell ran{(said.Length > 0 ? ": " + said : ".")}"
            : exitCode is 134 or 139 or 137
                ? $"{where} crashed the notebook's process (exit code {exitCode}){(said.Length > 0 ? ": " + said : ".")}"
                : $"{where} ended the notebook's process (exit code {exitCode}, as Environment.Exit does) before the notebook finished; later cells did not run.";
    }

    private static string Describe(TimeSpan timeout) =>
        timeout.TotalSeconds < 120 ? $"{timeout.TotalSeconds:0.#} s" : $"{timeout.TotalMinutes:0.#} minutes";

    /// <summary>
    /// The notebook's side: runs it as <see cref="NotebookRunner.RunAsync(Notebook, NotebookRunOptions)"/> does, reporting each
    /// cell's start and end to <paramref name="reportFile"/>, then saves the outputs when asked. A save that fails (a
    /// read-only folder) is reported, not thrown.
    /// </summary>
    /// <param name="notebook">The notebook to run.</param>
    /// <param name="reportFile">The file the parent reads.</param>
    /// <param name="options">The run's parameters and profile.</param>
    /// <param name="write">Save the outputs when the run ends.</param>
    /// <param name="saveTo">Where to save them: the notebook itself when null.</param>
    public static async Task ServeAsync(Notebook notebook, string reportFile, NotebookRunOptions options, bool write, string? saveTo = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        using var report = new StreamWriter(new FileStream(reportFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        void Send(Message message) => report.WriteLine(JsonSerializer.Serialize(message, Json));

        NotebookRun run = await NotebookRunner.RunAsync(notebook, options with
        {
            CellStarting = cell => Send(new Message("start", cell.Number)),
            CellCompleted = (cell, result) =>
            {
                if (result.Status is CellStatus.Passed or CellStatus.Failed)
                {
                    Send(new Message("cell", cell.Number, result.Status.ToString(), result.Elapsed.TotalSeconds,
                        [.. result.Notes], [.. NotebookRun.FailedCheckLines(result.Outputs)]));
                }
            },
        }).ConfigureAwait(false);

        string? saveError = null;
        if (write)
        {
            try
            {
                run.SaveTo(saveTo);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                saveError = $"could not save the outputs into {saveTo ?? notebook.Path}: {e.Message}";
            }
        }

        Send(new Message("end", Failure: run.Failure?.Message, Saved: write && saveError is null, SaveError: saveError));
    }
}

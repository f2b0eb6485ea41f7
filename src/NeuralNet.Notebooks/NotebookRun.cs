namespace NeuralNet.Notebooks;

/// <summary>Whether a cell ran, and how it went.</summary>
public enum CellStatus
{
    /// <summary>The code cell ran without an error.</summary>
    Passed,

    /// <summary>The code cell failed; the run stopped here.</summary>
    Failed,

    /// <summary>A markdown or raw cell: nothing to run.</summary>
    NotCode,

    /// <summary>A cell after the failing one: not run.</summary>
    NotRun,
}

/// <summary>What happened to one cell in a run.</summary>
/// <param name="Number">The cell's number in the notebook, from 1.</param>
/// <param name="Kind">Markdown, code or raw.</param>
/// <param name="Status">Passed, failed, not code or not run.</param>
/// <param name="Elapsed">How long compiling and running it took.</param>
/// <param name="Outputs">What it displayed, printed and returned.</param>
/// <param name="Notes">Magic lines the runner skipped or replaced, one line each.</param>
public sealed record CellRun(
    int Number,
    CellKind Kind,
    CellStatus Status,
    TimeSpan Elapsed,
    IReadOnlyList<CellOutput> Outputs,
    IReadOnlyList<string> Notes);

/// <summary>The result of running a notebook top to bottom.</summary>
public sealed class NotebookRun
{
    internal NotebookRun(Notebook notebook, IReadOnlyList<CellRun> cells, NotebookCellException? failure, TimeSpan elapsed)
    {
        Notebook = notebook;
        Cells = cells;
        Failure = failure;
        Elapsed = elapsed;
    }

    /// <summary>The notebook that ran.</summary>
    public Notebook Notebook { get; }

    /// <summary>Every cell of the notebook, with what happened to it.</summary>
    public IReadOnlyList<CellRun> Cells { get; }

    /// <summary>The first failing cell's error, or null when every cell passed.</summary>
    public NotebookCellException? Failure { get; }

    /// <summary>Whether every code cell ran without an error.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>How long the whole run took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// The exercise checks that failed: each output line that starts with ✘ (how <c>NeuralNet.Exercises.CheckResult</c>
    /// shows a wrong answer), with its cell. The cells themselves passed: a check reports, it does not throw.
    /// </summary>
    public IReadOnlyList<(int Cell, string Line)> FailedChecks => Cells
        .SelectMany(cell => FailedCheckLines(cell.Outputs).Select(line => (cell.Number, line)))
        .ToArray();

    /// <summary>The lines of <paramref name="outputs"/> (printed text and text results) that start with ✘.</summary>
    public static IEnumerable<string> FailedCheckLines(IEnumerable<CellOutput> outputs) => outputs
        .Select(output => output.OutputType == CellOutput.Stream && output.Name == "stdout" ? output.Text : output[OutputFormatter.PlainText])
        .OfType<string>()
        .SelectMany(text => text.Split('\n'))
        .Select(line => line.Trim())
        .Where(line => line.StartsWith('✘'));

    /// <summary>Throws <see cref="Failure"/> if the run failed.</summary>
    public void ThrowIfFailed()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }

    /// <summary>
    /// Saves the outputs into the notebook file as the kernel would, so the notebook opens showing them.
    /// Cells the run did not reach lose their old outputs: a saved notebook never shows stale results.
    /// </summary>
    public void Save() => SaveTo(null);

    /// <summary>As <see cref="Save()"/>, into <paramref name="path"/> (the notebook's own file when null).</summary>
    public void SaveTo(string? path)
    {
        var outputs = new Dictionary<int, IReadOnlyList<CellOutput>>();
        var counts = new Dictionary<int, int>();
        int count = 0;
        foreach (CellRun cell in Cells.Where(c => c.Kind == CellKind.Code))
        {
            outputs[cell.Number] = cell.Outputs;
            if (cell.Status is CellStatus.Passed or CellStatus.Failed)
            {
                counts[cell.Number] = ++count;
            }
        }

        Notebook.Save(outputs, counts, path);
    }

    /// <summary>
    /// The run of <paramref name="notebook"/> that a process of its own made (<see cref="NotebookProcess"/>): statuses
    /// and failure from <paramref name="result"/>, outputs from <paramref name="executed"/>, the copy it saved them into
    /// (none when the process did not get that far).
    /// </summary>
    public static NotebookRun FromProcess(Notebook notebook, NotebookProcessResult result, Notebook? executed)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(result);
        var cells = new List<CellRun>();
        foreach (NotebookCell cell in notebook.Cells)
        {
            CellSummary? summary = result.Cells.FirstOrDefault(c => c.Number == cell.Number);
            IReadOnlyList<CellOutput> outputs = executed?.Cells.FirstOrDefault(c => c.Number == cell.Number)?.StoredOutputs ?? [];
            CellStatus status = cell.Kind != CellKind.Code ? CellStatus.NotCode
                : summary?.Status ?? (cell.Number == result.FailedCell ? CellStatus.Failed : CellStatus.NotRun);
            cells.Add(new CellRun(cell.Number, cell.Kind, status, summary?.Elapsed ?? TimeSpan.Zero,
                status == CellStatus.NotRun ? [] : outputs, summary?.Notes ?? []));
        }

        NotebookCellException? failure = null;
        if (result.Failure is { } message)
        {
            int cellNumber = result.FailedCell ?? 0;
            string prefix = $"{notebook.Name}, cell {cellNumber}: ";
            failure = new NotebookCellException(notebook.Name, cellNumber, null, message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message);
        }

        return new NotebookRun(notebook, cells, failure, result.Elapsed);
    }
}

/// <summary>
/// A notebook cell failed to compile or threw. The message names the notebook, the cell number, the line in
/// the cell and the error, for example <c>02-forward-pass.ipynb, cell 7, line 3: error CS0103: The name 'w' does not exist ...</c>.
/// </summary>
public sealed class NotebookCellException : Exception
{
    internal NotebookCellException(string notebookName, int cellNumber, int? line, string error, Exception? inner = null)
        : base($"{notebookName}, cell {cellNumber}{(line is { } l ? $", line {l}" : "")}: {error}", inner)
    {
        NotebookName = notebookName;
        CellNumber = cellNumber;
        Line = line;
        Error = error;
    }

    /// <summary>The notebook's file name.</summary>
    public string NotebookName { get; }

    /// <summary>The failing cell's number in the notebook, from 1 (markdown cells included).</summary>
    public int CellNumber { get; }

    /// <summary>The line in the cell, from 1, where it is known.</summary>
    public int? Line { get; }

    /// <summary>The compiler's or the exception's message, without the location.</summary>
    public string Error { get; }
}

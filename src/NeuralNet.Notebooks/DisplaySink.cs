namespace NeuralNet.Notebooks;

/// <summary>
/// Collects what the cells of one notebook run display and print. The runner makes one per run and makes
/// it <see cref="Current"/> for the code running on its behalf (an <see cref="AsyncLocal{T}"/>, so
/// tasks started by a cell report into the same run and runs in different tests never mix).
/// </summary>
internal sealed class DisplaySink
{
    private static readonly AsyncLocal<DisplaySink?> CurrentSink = new();

    private readonly object _gate = new();
    private readonly List<List<Entry>> _cells = [];
    private int _nextId;

    private sealed class Entry(string? id, CellOutput output)
    {
        public string? Id { get; } = id;
        public CellOutput Output { get; set; } = output;
    }

    /// <summary>The sink of the run that the calling code belongs to, or null outside a run.</summary>
    public static DisplaySink? Current
    {
        get => CurrentSink.Value;
        set => CurrentSink.Value = value;
    }

    /// <summary>Starts collecting the outputs of the next cell.</summary>
    public void BeginCell()
    {
        lock (_gate)
        {
            _cells.Add([]);
        }
    }

    /// <summary>Adds a displayed output to the current cell and returns its id for later updates.</summary>
    public string Add(CellOutput output)
    {
        lock (_gate)
        {
            string id = $"display-{++_nextId}";
            CurrentCell().Add(new Entry(id, output));
            return id;
        }
    }

    /// <summary>Adds an output that cannot be updated (a cell's result, an error).</summary>
    public void AddFixed(CellOutput output)
    {
        lock (_gate)
        {
            CurrentCell().Add(new Entry(null, output));
        }
    }

    /// <summary>Replaces a displayed output, in whichever cell of this run showed it.</summary>
    public void Replace(string id, CellOutput output)
    {
        lock (_gate)
        {
            foreach (List<Entry> cell in _cells)
            {
                foreach (Entry entry in cell)
                {
                    if (entry.Id == id)
                    {
                        entry.Output = output;
                        return;
                    }
                }
            }
        }
    }

    /// <summary>Appends console text to the current cell, joining it to the stream output just before.</summary>
    public void Write(string streamName, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            List<Entry> cell = CurrentCell();
            if (cell.Count > 0 && cell[^1].Output is { OutputType: CellOutput.Stream } last && last.Name == streamName)
            {
                cell[^1].Output = last with { Text = last.Text + text };
            }
            else
            {
                cell.Add(new Entry(null, CellOutput.StreamText(streamName, text)));
            }
        }
    }

    /// <summary>The outputs of the cell at <paramref name="index"/> (in the order the run began them).</summary>
    public IReadOnlyList<CellOutput> OutputsOf(int index)
    {
        lock (_gate)
        {
            return _cells[index].Select(entry => entry.Output).ToArray();
        }
    }

    private List<Entry> CurrentCell()
    {
        if (_cells.Count == 0)
        {
            _cells.Add([]);
        }

        return _cells[^1];
    }
}

/// <summary>
/// Sends console writes to the <see cref="DisplaySink"/> of the run they come from, and anything else
/// (writes from code outside a run) to the console writer that was there before.
/// </summary>
internal sealed class SinkWriter(string streamName, TextWriter fallback) : TextWriter
{
    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public TextWriter Fallback { get; } = fallback;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        if (DisplaySink.Current is { } sink)
        {
            sink.Write(streamName, value);
        }
        else
        {
            Fallback.Write(value);
        }
    }

    public override void WriteLine(string? value) => Write((value ?? "") + NewLine);

    public override void Flush() => Fallback.Flush();
}

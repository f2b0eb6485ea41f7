using NeuralNet.Notebooks;

// These types carry exactly the names of .NET Interactive's own (Microsoft.DotNet.Interactive.Kernel.display,
// DisplayedValue, System.DisplayExtensions), so a notebook cell that calls display(x), x.Display() or
// "...".DisplayAs("text/html") compiles unchanged in VS Code's kernel and in the NeuralNet notebook runner.
namespace Microsoft.DotNet.Interactive;

/// <summary>
/// The notebook runner's stand-in for .NET Interactive's <c>Kernel</c> helpers. Notebook cells get
/// <c>using static Microsoft.DotNet.Interactive.Kernel;</c>, as in the real kernel, so <c>display(x)</c> works.
/// </summary>
public static class Kernel
{
    /// <summary>Shows <paramref name="value"/> as an output of the running cell.</summary>
    /// <param name="value">The value to show: a chart, a string, a number or any object.</param>
    /// <param name="mimeTypes">MIME types to format it as (for example <c>text/html</c>); empty for the default.</param>
    /// <returns>A handle whose <see cref="DisplayedValue.Update"/> replaces this output in place.</returns>
    public static DisplayedValue display(object value, params string[] mimeTypes) => value.Display(mimeTypes);

    /// <summary>Wraps a string of HTML so that it is displayed as HTML rather than as text.</summary>
    /// <param name="content">The HTML markup.</param>
    public static HtmlString HTML(string content) => new(content);
}

/// <summary>A string of HTML markup, shown as HTML when displayed (the kernel's <c>HTML("...")</c>).</summary>
/// <param name="Value">The markup.</param>
public sealed record HtmlString(string Value)
{
    /// <inheritdoc/>
    public override string ToString() => Value;
}

/// <summary>
/// An output that a cell displayed. <see cref="Update"/> replaces it, which is how a chart that grows
/// during training is redrawn in place.
/// </summary>
public sealed class DisplayedValue
{
    private readonly DisplaySink? _sink;
    private readonly string[] _mimeTypes;
    private readonly bool _raw;

    internal DisplayedValue(DisplaySink? sink, string displayId, string[] mimeTypes, bool raw)
    {
        _sink = sink;
        DisplayId = displayId;
        _mimeTypes = mimeTypes;
        _raw = raw;
    }

    /// <summary>An identifier of this output, unique within the run.</summary>
    public string DisplayId { get; }

    /// <summary>Replaces the displayed output with <paramref name="updatedValue"/>, formatted as before.</summary>
    /// <param name="updatedValue">The new value.</param>
    public void Update(object updatedValue)
    {
        if (_sink is null)
        {
            Console.WriteLine(OutputFormatter.ToPlainText(updatedValue));
            return;
        }

        // A value shown with DisplayAs stays raw content of its MIME type when updated with a new string.
        object value = _raw && updatedValue is string s ? new RawContent(s, _mimeTypes[0]) : updatedValue;
        _sink.Replace(DisplayId, OutputFormatter.Format(value, _mimeTypes));
    }
}

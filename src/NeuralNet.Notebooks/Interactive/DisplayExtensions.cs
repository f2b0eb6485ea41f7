using Microsoft.DotNet.Interactive;
using NeuralNet.Notebooks;

namespace System;

/// <summary>
/// The notebook runner's stand-in for .NET Interactive's <c>System.DisplayExtensions</c>:
/// <c>x.Display()</c> and <c>"&lt;b&gt;hi&lt;/b&gt;".DisplayAs("text/html")</c> show a value as a cell output.
/// </summary>
public static class DisplayExtensions
{
    /// <summary>Shows <paramref name="value"/> as an output of the running cell.</summary>
    /// <param name="value">The value to show.</param>
    /// <param name="mimeTypes">MIME types to format it as; empty for the default.</param>
    /// <returns>A handle whose <see cref="DisplayedValue.Update"/> replaces this output in place.</returns>
    public static DisplayedValue Display(this object value, params string[] mimeTypes) =>
        Show(value, mimeTypes, raw: false);

    private static DisplayedValue Show(object value, string[] mimeTypes, bool raw)
    {
        DisplaySink? sink = DisplaySink.Current;
        CellOutput output = OutputFormatter.Format(value, mimeTypes);
        if (sink is null)
        {
            // Outside a notebook run (a plain program): write the text, as the kernel does without a context.
            Console.WriteLine(OutputFormatter.ToPlainText(value));
            return new DisplayedValue(null, Guid.NewGuid().ToString("N"), mimeTypes, raw);
        }

        return new DisplayedValue(sink, sink.Add(output), mimeTypes, raw);
    }

    /// <summary>Shows a string that already is in the given format, for example HTML or Markdown.</summary>
    /// <param name="value">The content.</param>
    /// <param name="mimeType">Its MIME type, for example <c>text/html</c>.</param>
    /// <param name="additionalMimeTypes">Further MIME types the content is also offered as.</param>
    /// <returns>A handle whose <see cref="DisplayedValue.Update"/> replaces this output in place.</returns>
    public static DisplayedValue DisplayAs(this string value, string mimeType, params string[] additionalMimeTypes)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(mimeType);
        return Show(new RawContent(value, mimeType), [mimeType, .. additionalMimeTypes], raw: true);
    }
}

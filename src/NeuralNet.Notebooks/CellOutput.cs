namespace NeuralNet.Notebooks;

/// <summary>
/// One output of a code cell, in the shape Jupyter's nbformat 4 stores it: a display or result holds
/// its content by MIME type (<c>text/plain</c>, <c>text/html</c>, ...); a stream holds text written to the
/// console; an error holds the exception's name and message.
/// </summary>
public sealed record CellOutput
{
    /// <summary><c>display_data</c>, <c>execute_result</c>, <c>stream</c> or <c>error</c>.</summary>
    public required string OutputType { get; init; }

    /// <summary>Content by MIME type, for displays and results; empty for streams and errors.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();

    /// <summary>The text of a stream output (<c>stdout</c> or <c>stderr</c>), or the message of an error.</summary>
    public string? Text { get; init; }

    /// <summary><c>stdout</c> or <c>stderr</c> for a stream; the exception's type name for an error.</summary>
    public string? Name { get; init; }

    internal const string DisplayData = "display_data";
    internal const string ExecuteResult = "execute_result";
    internal const string Stream = "stream";
    internal const string Error = "error";

    /// <summary>A display or result output with the given content.</summary>
    public static CellOutput Display(IReadOnlyDictionary<string, string> data) =>
        new() { OutputType = DisplayData, Data = data };

    /// <summary>Text written to <c>stdout</c> or <c>stderr</c>.</summary>
    public static CellOutput StreamText(string name, string text) =>
        new() { OutputType = Stream, Name = name, Text = text };

    /// <summary>An error output: the exception's type name and the message.</summary>
    public static CellOutput ErrorText(string name, string message) =>
        new() { OutputType = Error, Name = name, Text = message };

    /// <summary>The content for <paramref name="mimeType"/>, or null.</summary>
    public string? this[string mimeType] => Data.TryGetValue(mimeType, out string? value) ? value : null;
}

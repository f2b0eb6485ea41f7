namespace NeuralNet.Data;

/// <summary>
/// A data file is not what it should be: wrong magic number, truncated, counts that disagree, a checksum
/// mismatch. The message names the file, what was wrong and, where it helps, the byte offset.
/// </summary>
public sealed class DataFileException : Exception
{
    /// <summary>Creates the exception; the message is prefixed with the file's path (and the offset, if given).</summary>
    public DataFileException(string filePath, string problem, long? byteOffset = null, Exception? inner = null)
        : base($"{filePath}{(byteOffset is long o ? $" (byte offset {o})" : "")}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
        ByteOffset = byteOffset;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    /// <summary>What was wrong, without the file name.</summary>
    public string Problem { get; }

    /// <summary>Where in the (uncompressed) file the problem was found, if it is about one place.</summary>
    public long? ByteOffset { get; }
}

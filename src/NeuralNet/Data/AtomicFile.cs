using System.Text;

namespace NeuralNet.Data;

/// <summary>
/// Writes files so that a crash never leaves half of one: the content goes to a temporary file beside the
/// target, which is renamed over the target only once it is complete and flushed. Every file the library,
/// the charts, <c>nn</c> and the notebook runner write goes through here.
/// </summary>
// The notebook runner compiles this same file into itself, as an internal class: it must not reference the
// library, because the chapters it runs load their own build of it.
#if NOTEBOOK_RUNNER
internal
#else
public
#endif
static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="writeContent"/>; on any failure the old file (if any) is untouched.</summary>
    public static void Write(string path, Action<Stream> writeContent)
    {
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        string temporary = $"{fullPath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes the bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes the text atomically, as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
}

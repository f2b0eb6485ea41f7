using System.Diagnostics;
using System.Text;

namespace NeuralNet.Data;

/// <summary>
/// Writes files so that a crash never leaves half of one: the content goes to a temporary file beside the
/// target (<c>TARGET.PID.GUID.tmp</c>), which is renamed over the target only once it is complete and flushed.
/// A process killed mid-write leaves its temporary file behind; the next write of the same target removes it.
/// Every file the library, the charts, <c>nn</c> and the notebook runner write goes through here.
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
        RemoveStaleTemporaries(fullPath);
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

    /// <summary>
    /// Deletes the temporary files that earlier writes of <paramref name="fullPath"/> left behind when their
    /// process died. A temporary of a process that is still running (perhaps writing right now) is kept.
    /// </summary>
    public static void RemoveStaleTemporaries(string fullPath)
    {
        string? directory = Path.GetDirectoryName(fullPath);
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory)) return;
        string prefix = Path.GetFileName(fullPath) + ".";
        foreach (string candidate in Directory.EnumerateFiles(directory, prefix + "*.tmp"))
        {
            // TARGET.PID.GUID.tmp: exactly two parts between the target's name and ".tmp".
            string[] parts = Path.GetFileName(candidate)[prefix.Length..^".tmp".Length].Split('.');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int pid) || parts[1].Length != 32) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            try { File.Delete(candidate); }
            catch (IOException) { /* gone already, or in use: the next write tries again */ }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }        // no such process
        catch (InvalidOperationException) { return false; }
    }
    /// <summary>Writes the text atomically, as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
}

using System.Text;
using NeuralNet.Data;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Checks, before a long run, that the files a command will write can be written: their folder is created if
/// needed and a scratch file is opened there and deleted, the names (with the temporary-file suffix a save adds)
/// fit the file system, and whatever is at the target is a regular file that may be replaced
/// (<c>AtomicFile.WritableTarget</c>). A failure says what is in the way and what to do.
/// </summary>
public static class OutputLocation
{
    /// <summary>The longest file name, in UTF-8 bytes, that Linux and macOS file systems take (NAME_MAX).</summary>
    public const int MaxFileNameBytes = 255;

    /// <summary>The longest path, in UTF-8 bytes, that Linux takes (PATH_MAX, counting the final zero).</summary>
    public const int MaxPathBytes = 4095;

    /// <summary>
    /// Makes sure files can be written in <paramref name="folder"/>: a scratch file is created and deleted in
    /// it, or, if it does not exist yet, in the nearest folder above it that does (nothing is created on the way,
    /// so a run that fails later leaves no empty folder behind).
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="option">The option that named it, for the message (e.g. <c>--out</c>).</param>
    /// <exception cref="OutputLocationException">It cannot be created or written.</exception>
    public static void RequireWritableFolder(string folder, string option)
    {
        string full = Path.GetFullPath(string.IsNullOrEmpty(folder) ? "." : folder);
        try
        {
            // Folders not created yet are not probed below, so their names are measured here.
            if (Encoding.UTF8.GetByteCount(full) > MaxPathBytes
                || full.Split(Path.DirectorySeparatorChar).Any(name => Encoding.UTF8.GetByteCount(name) > MaxFileNameBytes))
                throw new PathTooLongException("the path or a name in it is too long");
            string existing = full;
            while (!Directory.Exists(existing))
            {
                if (File.Exists(existing)) throw new IOException($"{Format.PathForMessage(existing)} is a file, not a folder");
                existing = Path.GetDirectoryName(existing) ?? throw new IOException("no folder of that path exists");
            }
            string probe = Path.Combine(existing, $".nn-write-check.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputLocationException(
                $"{option} {Format.PathForMessage(folder)}: cannot write there ({Reason(full, e)}). Choose a folder you can write to, e.g. {option} ./out.", e);
        }
    }

    /// <summary>
    /// Checks that <paramref name="file"/> can be saved: not a folder, a device or a FIFO, not write-protected, a name
    /// short enough for the save's temporary file beside it, and a writable folder.
    /// </summary>
    /// <exception cref="OutputLocationException">It cannot be written; the message says why.</exception>
    public static void RequireWritableFile(string file, string option)
    {
        if (Directory.Exists(file))
            throw new OutputLocationException($"{option} {Format.PathForMessage(file)}: is a folder; expected a file path such as out/model.nnm.");
        string target;
        try
        {
            target = AtomicFile.WritableTarget(file);
        }
        catch (IOException e)
        {
            throw new OutputLocationException($"{option} {Format.PathForMessage(file)}: {AfterPath(e.Message, file)}", e);
        }
        // A save writes TARGET.PID.GUID.tmp first: that name must fit as well as the target's.
        string temporaryName = Path.GetFileName(AtomicFile.TemporaryPathFor(target));
        if (Encoding.UTF8.GetByteCount(temporaryName) > MaxFileNameBytes)
            throw new OutputLocationException(
                $"{option} {Format.PathForMessage(file)}: the file name is too long: {Encoding.UTF8.GetByteCount(Path.GetFileName(target)):N0} bytes, and a save adds " +
                $"{temporaryName.Length - Path.GetFileName(target).Length} for its temporary file; file systems allow {MaxFileNameBytes}. Choose a shorter name.");
        RequireWritableFolder(Path.GetDirectoryName(target)!, option);
    }

    /// <summary>Refuses to write <paramref name="output"/> when it is one of the command's own <paramref name="inputs"/> (also through symbolic links).</summary>
    /// <exception cref="OutputLocationException">It is.</exception>
    public static void RequireNotAnInput(string output, string option, params IEnumerable<string> inputs)
    {
        string written = Canonical(output);
        foreach (string input in inputs)
            if (string.Equals(written, Canonical(input), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
                throw new OutputLocationException(
                    $"{option} {Format.PathForMessage(output)}: is also an input of this command ({Format.PathForMessage(input)}); writing it would destroy what is being read. Choose another path.");
    }

    // The full path, with a symbolic link replaced by the file it points to.
    private static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException) { return full; }
    }

    // "PATH: is a FIFO ..." → "is a FIFO ...": the option and the path are said once, first.
    private static string AfterPath(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;

    private static string Reason(string full, Exception e)
    {
        if (e is UnauthorizedAccessException) return "permission denied";
        if (e is PathTooLongException) return "the path or a name in it is too long";
        // A file where a folder should be (e.g. --out model.nnm/sub).
        for (string? at = full; !string.IsNullOrEmpty(at); at = Path.GetDirectoryName(at))
            if (File.Exists(at)) return $"{Format.PathForMessage(at)} is a file, not a folder";
        return e.Message.TrimEnd('.');
    }
}

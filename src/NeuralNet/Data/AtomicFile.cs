using System.Diagnostics;
using System.Text;

namespace NeuralNet.Data;

/// <summary>
/// Writes files so that a crash never leaves half of one: the content goes to a temporary file beside the
/// target (<c>TARGET.PID.GUID.tmp</c>), which is renamed over the target only once it is complete and flushed.
/// A process killed mid-write leaves its temporary file behind; the next write of the same target removes it.
/// Every file the library, the charts, <c>nn</c> and the notebook runner write goes through here.
/// </summary>
/// <remarks>
/// What a write may replace: only a regular file it may write. A folder, a device (<c>/dev/null</c>), a FIFO or a
/// socket at the target is refused, and so is a write-protected file (no write permission for this user, or, for
/// root, no write bit at all): an <see cref="IOException"/> names it, and nothing is changed. A symbolic link is
/// written through: the file it points to is replaced atomically (its permissions kept) and the link stays a
/// link; a link that points nowhere is refused. A replaced file keeps its permission bits.
/// Inside <see cref="Together"/>, several files are written first and renamed into place together at the end,
/// so a failure part-way (a full disk while writing the second) changes none of them.
/// </remarks>
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
    /// <exception cref="IOException">The target is not a regular file that may be replaced, or the write failed (a full disk, the file-size limit).</exception>
    public static void Write(string path, Action<Stream> writeContent)
    {
        string target = WritableTarget(path);
        string? directory = Path.GetDirectoryName(target);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        RemoveStaleTemporaries(target);
        string? temporary = TemporaryPathFor(target);
        try
        {
            try
            {
                // Unbuffered: a failed write fails here, not again when the stream is closed.
                using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "value" && e.TargetSite?.DeclaringType == typeof(RandomAccess))
            {
                // .NET reports the write(2) error EFBIG (past the file-size limit, `ulimit -f`) this way.
                throw new IOException($"{path}: the file grew past this process's file-size limit (ulimit -f) while being written; nothing was replaced.", e);
            }
            KeepPermissions(target, temporary);
            if (Group.Current is { } group)
            {
                group.Add(path, temporary, target);
                temporary = null;   // the group renames it, or deletes it if the group is not committed
                return;
            }
            File.Move(temporary, WritableTarget(path), overwrite: true);
        }
        finally
        {
            if (temporary is not null && File.Exists(temporary)) File.Delete(temporary);
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

    /// <summary>
    /// The full path a write of <paramref name="path"/> replaces: <paramref name="path"/> itself, or, through a
    /// symbolic link, the file the link points to. Checks that it is missing or a regular file this user may write.
    /// </summary>
    /// <exception cref="IOException">It is a folder, a device, a FIFO, a socket, a link to nothing, or write-protected.</exception>
    public static string WritableTarget(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string target = fullPath;
        if (FileKinds.Of(fullPath, followLinks: false) == FileKind.SymbolicLink)
        {
            FileSystemInfo? final = File.ResolveLinkTarget(fullPath, returnFinalTarget: true);
            if (final is null || !final.Exists)
                throw new IOException($"{path}: is a symbolic link to {final?.FullName ?? "nothing"}, which does not exist; not writing through it.");
            target = final.FullName;
        }
        FileKind kind = FileKinds.Of(target);
        if (kind is not (FileKind.Missing or FileKind.Regular))
            throw new IOException($"{path}: is {FileKinds.Describe(kind)}, not a regular file; only regular files are written or replaced. Choose a file path.");
        if (kind == FileKind.Regular && IsWriteProtected(target))
            throw new IOException($"{path}: is write-protected; it is left as it is. Make it writable (chmod u+w) or choose another path.");
        return target;
    }

    /// <summary>The name of a fresh temporary file for <paramref name="fullPath"/>: <c>TARGET.PID.GUID.tmp</c> beside it.</summary>
    public static string TemporaryPathFor(string fullPath) => $"{fullPath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";

    /// <summary>
    /// Starts a group: until it is disposed, every write on this thread goes to its temporary file only, and
    /// <see cref="Group.Commit"/> renames them all into place. Disposed without a commit, the temporaries are deleted
    /// and no target changes.
    /// </summary>
    public static Group Together() => new();

    /// <summary>Files written together: see <see cref="Together"/>.</summary>
    public sealed class Group : IDisposable
    {
        [ThreadStatic] private static Group? current;
        private readonly Group? outer;
        private readonly List<(string Path, string Temporary, string Target)> pending = [];

        internal Group()
        {
            outer = current;
            current = this;
        }

        internal static Group? Current => current;

        internal void Add(string path, string temporary, string target) => pending.Add((path, temporary, target));

        /// <summary>Renames every file written in the group into place, after checking again that each target may be replaced.</summary>
        public void Commit()
        {
            foreach ((string path, _, _) in pending) WritableTarget(path);
            foreach ((_, string temporary, string target) in pending) File.Move(temporary, target, overwrite: true);
            pending.Clear();
        }

        /// <summary>Ends the group; the temporaries of a group that was not committed are deleted.</summary>
        public void Dispose()
        {
            current = outer;
            foreach ((_, string temporary, _) in pending)
            {
                try { File.Delete(temporary); }
                catch (IOException) { /* the next write of that target removes it */ }
                catch (UnauthorizedAccessException) { }
            }
            pending.Clear();
        }
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

    // Write-protected: this user may not open it for writing, or (root may write anything) it has no write bit at all.
    private static bool IsWriteProtected(string target)
    {
        if (!OperatingSystem.IsWindows()
            && (File.GetUnixFileMode(target) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0)
            return true;
        try
        {
            using (new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) { }
            return false;
        }
        catch (UnauthorizedAccessException) { return true; }
    }

    // The new file gets the permission bits of the one it replaces (a 600 model stays private).
    private static void KeepPermissions(string target, string temporary)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(target)) File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
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
}

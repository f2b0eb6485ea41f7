using System.Runtime.InteropServices;

namespace NeuralNet.Data;

/// <summary>What a path names: a regular file, a folder, or one of the special files that only look like files.</summary>
#if NOTEBOOK_RUNNER
internal
#else
public
#endif
enum FileKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>An ordinary file: the only kind that is read as data or replaced by a save.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A named pipe: opening it waits, for ever, until another process opens its other end.</summary>
    Fifo,

    /// <summary>A character device such as <c>/dev/null</c> or <c>/dev/zero</c>: endless, or a sink, not a file.</summary>
    CharacterDevice,

    /// <summary>A block device such as a disk.</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>A symbolic link (seen only when links are not followed).</summary>
    SymbolicLink,
}

/// <summary>
/// Tells the kinds of <see cref="FileKind"/> apart. .NET's <c>File.Exists</c> is true for a FIFO or a device as
/// well as for a file, and opening a FIFO to read it blocks until a writer comes, so readers and writers ask here
/// first. On Linux this is the <c>statx</c> system call; elsewhere .NET's own view (folder, file, missing).
/// </summary>
#if NOTEBOOK_RUNNER
internal
#else
public
#endif
static class FileKinds
{
    /// <summary>The kind of <paramref name="path"/>; with <paramref name="followLinks"/> a symbolic link is judged by what it points to.</summary>
    public static FileKind Of(string path, bool followLinks = true)
    {
        if (OperatingSystem.IsLinux() && TryStatx(path, followLinks) is FileKind kind) return kind;
        if (!followLinks && new FileInfo(path).LinkTarget is not null) return FileKind.SymbolicLink;
        return System.IO.Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>A few words for messages, e.g. "a FIFO (named pipe)".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a file",
        FileKind.Directory => "a folder",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "a symbolic link",
    };

    // struct statx has the same layout on every Linux architecture: stx_mode is the 16-bit field at byte 28.
    private const int StatxSize = 256, StatxModeOffset = 28;
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int NoSuchFile = 2, NotADirectory = 20;

    private static FileKind? TryStatx(string path, bool followLinks)
    {
        byte[] buffer = new byte[StatxSize];
        int result;
        try
        {
            result = statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;   // a C library without statx (before glibc 2.28): use .NET's view
        }
        if (result != 0)
            return Marshal.GetLastPInvokeError() is NoSuchFile or NotADirectory ? FileKind.Missing : null;
        int type = BitConverter.ToUInt16(buffer, StatxModeOffset) & 0xF000;   // S_IFMT
        return type switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            0xA000 => FileKind.SymbolicLink,
            _ => null,
        };
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the notebook runner, which compiles this file too
    private static extern int statx(int directory, string path, int flags, uint mask, byte[] buffer);
#pragma warning restore SYSLIB1054
}

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Checks, before a long run, that the folder a command will write into can be written: it is created if
/// needed and a scratch file is opened there and deleted. A failure says what is in the way and what to do.
/// </summary>
public static class OutputLocation
{
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
            string existing = full;
            while (!Directory.Exists(existing))
            {
                if (File.Exists(existing)) throw new IOException($"{existing} is a file, not a folder");
                existing = Path.GetDirectoryName(existing) ?? throw new IOException("no folder of that path exists");
            }
            string probe = Path.Combine(existing, $".nn-write-check.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new OutputLocationException(
                $"{option} {folder}: cannot write there ({Reason(full, e)}). Choose a folder you can write to, e.g. {option} ./out.", e);
        }
    }

    /// <summary>Checks that a file path is not a folder and that its folder is writable.</summary>
    public static void RequireWritableFile(string file, string option)
    {
        if (Directory.Exists(file))
            throw new OutputLocationException($"{option} {file}: is a folder; expected a file path such as out/model.nnm.");
        RequireWritableFolder(Path.GetDirectoryName(Path.GetFullPath(file))!, option);
    }

    private static string Reason(string full, Exception e)
    {
        if (e is UnauthorizedAccessException) return "permission denied";
        // A file where a folder should be (e.g. --out model.nnm/sub).
        for (string? at = full; !string.IsNullOrEmpty(at); at = Path.GetDirectoryName(at))
            if (File.Exists(at)) return $"{at} is a file, not a folder";
        return e.Message.TrimEnd('.');
    }
}

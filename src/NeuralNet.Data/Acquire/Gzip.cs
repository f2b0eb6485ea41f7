using System.IO.Compression;

namespace NeuralNet.Data.Acquire;

/// <summary>Uncompresses what a source delivers when it is gzip data; raw bytes pass through.</summary>
internal static class Gzip
{
    public static byte[] Decompress(byte[] bytes, string source)
    {
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
            throw new FileSourceException($"{source}: the gzip data is corrupt or truncated ({e.Message})", e);
        }
    }
}

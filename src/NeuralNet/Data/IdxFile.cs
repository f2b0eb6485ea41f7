using System.Buffers.Binary;
using System.IO.Compression;

namespace NeuralNet.Data;

/// <summary>
/// Reads and writes IDX files, the format MNIST ships in. The header is a 4-byte magic number — two zero
/// bytes, a type code (<see cref="IdxDataType"/>), the number of dimensions — then one big-endian 32-bit
/// size per dimension, then the elements, big-endian, row-major. Files may be gzip-compressed; that is
/// recognised by the gzip magic bytes (1F 8B), not by the file name.
/// </summary>
public static class IdxFile
{
    /// <summary>Reads an IDX file (raw or gzip).</summary>
    /// <exception cref="DataFileException">The file is malformed; the message names the file, the problem and the byte offset.</exception>
    public static IdxArray Read(string path)
    {
        using FileStream file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads IDX content from a stream (raw or gzip); <paramref name="sourceName"/> names it in error messages.</summary>
    public static IdxArray Read(Stream stream, string sourceName)
    {
        using Stream content = OpenContent(stream, sourceName);
        Span<byte> magic = stackalloc byte[4];
        ReadHeaderBytes(content, magic, sourceName, 0, "the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFileException(sourceName, $"not an IDX file: the magic number must start with two zero bytes, found {magic[0]:X2} {magic[1]:X2}.", 0);
        if (!IdxDataTypes.IsKnown(magic[2]))
            throw new DataFileException(sourceName, $"unknown IDX type code 0x{magic[2]:X2} (expected 08, 09, 0B, 0C, 0D or 0E).", 2);
        var type = (IdxDataType)magic[2];
        int dimensionCount = magic[3];
        if (dimensionCount == 0)
            throw new DataFileException(sourceName, "the header declares 0 dimensions; expected at least 1.", 3);

        var dimensions = new int[dimensionCount];
        Span<byte> sizeBytes = stackalloc byte[4];
        for (int d = 0; d < dimensionCount; d++)
        {
            long offset = 4 + 4L * d;
            ReadHeaderBytes(content, sizeBytes, sourceName, offset, $"the size of dimension {d}");
            int size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
            if (size < 0)
                throw new DataFileException(sourceName, $"dimension {d} has a negative size {size}.", offset);
            dimensions[d] = size;
        }

        long headerLength = 4 + 4L * dimensionCount;
        long dataLength = IdxArray.ElementCountOf(dimensions) * IdxDataTypes.SizeOf(type);
        if (dataLength > Array.MaxLength)
            throw new DataFileException(sourceName, $"the header promises {dataLength:N0} bytes of data, more than this reader supports.", 4);
        var data = new byte[dataLength];
        int read;
        bool trailing;
        try
        {
            read = content.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            trailing = read == data.Length && content.ReadByte() != -1;
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(sourceName, $"the gzip data is corrupt: {e.Message}", headerLength, e);
        }
        if (read < data.Length)
            throw new DataFileException(sourceName,
                $"truncated: the header ({string.Join(" x ", dimensions)} of {type}) promises {dataLength:N0} bytes of data but only {read:N0} follow.",
                headerLength + read);
        if (trailing)
            throw new DataFileException(sourceName, $"unexpected bytes after the {dataLength:N0} bytes of data the header promises.", headerLength + dataLength);
        return new IdxArray(type, dimensions, data);
    }

    /// <summary>Writes an IDX file (gzip-compressed if <paramref name="gzip"/>), atomically: to a temporary name, then renamed.</summary>
    public static void Write(string path, IdxArray array, bool gzip = false) =>
        AtomicFile.Write(path, stream =>
        {
            if (gzip)
            {
                using var compressed = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
                Write(compressed, array);
            }
            else
            {
                Write(stream, array);
            }
        });

    /// <summary>Writes IDX content to a stream.</summary>
    public static void Write(Stream stream, IdxArray array)
    {
        if (array.Dimensions.Length is 0 or > 255)
            throw new ArgumentException($"IDX supports 1 to 255 dimensions, got {array.Dimensions.Length}.", nameof(array));
        Span<byte> header = stackalloc byte[4];
        header[0] = 0;
        header[1] = 0;
        header[2] = (byte)array.DataType;
        header[3] = (byte)array.Dimensions.Length;
        stream.Write(header);
        foreach (int size in array.Dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(header, size);
            stream.Write(header);
        }
        stream.Write(array.Bytes);
    }

    /// <summary>Whether the bytes start with the gzip magic number 1F 8B.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0x1F && start[1] == 0x8B;

    // Peeks at the first two bytes to decide between raw and gzip content.
    private static Stream OpenContent(Stream stream, string sourceName)
    {
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> start = stackalloc byte[2];
        int peeked = buffered.ReadAtLeast(start, 2, throwOnEndOfStream: false);
        if (peeked == 0) throw new DataFileException(sourceName, "the file is empty; expected an IDX header.", 0);
        buffered.Seek(-peeked, SeekOrigin.Current);
        return IsGzip(start[..peeked]) ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
    }

    private static void ReadHeaderBytes(Stream content, Span<byte> buffer, string sourceName, long offset, string what)
    {
        int read;
        try
        {
            read = content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new DataFileException(sourceName, $"the gzip data is corrupt: {e.Message}", offset, e);
        }
        if (read < buffer.Length)
            throw new DataFileException(sourceName, $"truncated header: expected {what} but the file ends.", offset + read);
    }
}

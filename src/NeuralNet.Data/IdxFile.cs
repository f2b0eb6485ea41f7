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
    /// <summary>Reads an IDX file (raw or gzip); with <paramref name="maxItems"/>, only its first that many items (see <see cref="Read(Stream, string, int?)"/>).</summary>
    /// <exception cref="DataFileException">The file is malformed, or not a regular file (a FIFO or a device would block or
    /// never end); the message names the file, the problem and the byte offset.</exception>
    public static IdxArray Read(string path, int? maxItems = null)
    {
        FileKind kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Missing))
            throw new DataFileException(path, $"is {FileKinds.Describe(kind)}, not a regular file; expected an IDX file (raw or .gz).");
        using FileStream file = File.OpenRead(path);
        return Read(file, path, maxItems);
    }

    /// <summary>Reads IDX content from a stream (raw or gzip); <paramref name="sourceName"/> names it in error messages.</summary>
    /// <remarks>
    /// The header is checked against the bytes present before the data is allocated: a raw file's length is
    /// known up front; gzip content is read in chunks, so a short stream is found out after allocating only
    /// what it really holds (at most twice that, while the chunks are joined).
    /// With <paramref name="maxItems"/>, only the first that many items (along the first dimension: images, labels)
    /// are read and kept, so memory follows the limit rather than the file; a raw file's length is still checked
    /// against its header, but the rest of a gzip stream is not read.
    /// </remarks>
    public static IdxArray Read(Stream stream, string sourceName, int? maxItems = null)
    {
        if (maxItems is < 0) throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, "The item limit must not be negative.");
        using Stream content = OpenContent(stream, sourceName, out long? rawLength);
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

        int[] dimensions = new int[dimensionCount];
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
        int elementSize = IdxDataTypes.SizeOf(type);
        long dataLength = DataLengthOf(dimensions, elementSize);
        if (dataLength < 0)
            throw new DataFileException(sourceName,
                $"the header's dimensions {string.Join(" x ", dimensions)} of {type} come to more than {MaxDataBytes:N0} bytes, the most this reader supports.", 4);
        if (rawLength is long available && available - headerLength != dataLength)
            throw available - headerLength < dataLength
                ? Truncated(sourceName, dimensions, type, dataLength, available - headerLength, headerLength)
                : new DataFileException(sourceName, $"unexpected bytes after the {dataLength:N0} bytes of data the header promises.", headerLength + dataLength);

        if (maxItems is int limit && limit < dimensions[0])
        {
            int[] kept = [limit, .. dimensions[1..]];
            long keptLength = DataLengthOf(kept, elementSize);
            byte[] first = ReadData(content, keptLength, rawLength is null ? 1 << 20 : Math.Max(keptLength, 1), sourceName, headerLength, out long got);
            if (got < keptLength) throw Truncated(sourceName, dimensions, type, dataLength, got, headerLength);
            return new IdxArray(type, kept, first);
        }

        // A raw file's length was checked above, so its data is read in one piece; gzip's in chunks.
        byte[] data = ReadData(content, dataLength, rawLength is null ? 1 << 20 : dataLength, sourceName, headerLength, out long read);
        if (read < dataLength) throw Truncated(sourceName, dimensions, type, dataLength, read, headerLength);
        if (ReadByteOrEnd(content, sourceName, headerLength + dataLength) != -1)
            throw new DataFileException(sourceName, $"unexpected bytes after the {dataLength:N0} bytes of data the header promises.", headerLength + dataLength);
        return new IdxArray(type, dimensions, data);
    }

    /// <summary>The most data bytes an IDX file may hold here: the largest .NET array.</summary>
    public static long MaxDataBytes => Array.MaxLength;

    // product(dimensions) x element size, or -1 when it passes MaxDataBytes (never overflowing on the way).
    private static long DataLengthOf(int[] dimensions, int elementSize)
    {
        if (dimensions.Contains(0)) return 0;
        long length = elementSize;
        foreach (int d in dimensions)
        {
            length *= d;   // both factors are at most 2^31 here, so this fits in a long
            if (length > MaxDataBytes) return -1;
        }
        return length;
    }

    private static DataFileException Truncated(string sourceName, int[] dimensions, IdxDataType type, long dataLength, long present, long headerLength) =>
        new(sourceName,
            $"truncated: the header ({string.Join(" x ", dimensions)} of {type}) promises {dataLength:N0} bytes of data but only {present:N0} follow.",
            headerLength + present);

    // Reads up to `length` bytes in chunks (gzip gives no length up front), joining them once all have arrived.
    private static byte[] ReadData(Stream content, long length, long chunkSize, string sourceName, long headerLength, out long read)
    {
        var chunks = new List<byte[]>();
        read = 0;
        while (read < length)
        {
            byte[] chunk = new byte[Math.Min(chunkSize, length - read)];
            int filled;
            try { filled = content.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false); }
            catch (InvalidDataException e) { throw CorruptGzip(sourceName, headerLength + read, e); }
            read += filled;
            if (filled < chunk.Length) return [];
            chunks.Add(chunk);
        }
        if (chunks.Count == 1) return chunks[0];
        byte[] data = new byte[length];
        long at = 0;
        foreach (byte[] chunk in chunks)
        {
            chunk.CopyTo(data, at);
            at += chunk.Length;
        }
        return data;
    }

    private static int ReadByteOrEnd(Stream content, string sourceName, long offset)
    {
        try { return content.ReadByte(); }
        catch (InvalidDataException e) { throw CorruptGzip(sourceName, offset, e); }
    }

    /// <summary>
    /// The error for damaged gzip data. .NET's own text ("unsupported compression method") misleads: the
    /// method is fine, the compressed bytes are not.
    /// </summary>
    internal static DataFileException CorruptGzip(string sourceName, long decodedBytes, Exception inner) =>
        new(sourceName,
            $"the gzip data is corrupt: decompression failed after {decodedBytes:N0} bytes of content (the .gz file is damaged; fetch or copy it again).",
            decodedBytes, inner);

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

    // Peeks at the first two bytes to decide between raw and gzip content; a raw seekable stream's length is known.
    private static Stream OpenContent(Stream stream, string sourceName, out long? rawLength)
    {
        long? remaining = stream.CanSeek ? stream.Length - stream.Position : null;
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> start = stackalloc byte[2];
        int peeked = buffered.ReadAtLeast(start, 2, throwOnEndOfStream: false);
        if (peeked == 0) throw new DataFileException(sourceName, "the file is empty; expected an IDX header.", 0);
        buffered.Seek(-peeked, SeekOrigin.Current);
        bool gzip = IsGzip(start[..peeked]);
        rawLength = gzip ? null : remaining;
        return gzip ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
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
            throw CorruptGzip(sourceName, offset, e);
        }
        if (read < buffer.Length)
            throw new DataFileException(sourceName, $"truncated header: expected {what} but the file ends.", offset + read);
    }
}

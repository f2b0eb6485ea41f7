using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Checks of a PNG's or JPEG's structure made before the decoder runs, for what the decoder does not bound by
/// itself: every chunk or segment must fit in the file (a length past the end made the JPEG decoder loop
/// forever); a PNG's pixel data must inflate to exactly what its header promises (a 1x1 PNG holding a
/// "zlib bomb" made it allocate gigabytes); and a progressive JPEG's scans times its pixels bound the work.
/// Each refusal is a <see cref="PictureDataException"/> naming the chunk or segment and its byte offset.
/// </summary>
internal static class PictureChecks
{
    /// <summary>
    /// Walks a PNG's chunks, then inflates its IDAT data (streaming, nothing kept) and refuses data that is
    /// corrupt, ends early, or inflates to more bytes than a picture of its header's size and format holds. A header
    /// declaring no pixels or more than <see cref="NeuralNet.Data.DigitImage.MaxPixels"/> is left to the caller's check.
    /// </summary>
    public static void CheckPng(byte[] png, TimeSpan timeLimit, CancellationToken cancellation)
    {
        const int signature = 8;
        int position = signature;
        long expected = -1, pixels = 0;
        bool rawDeflate = false;
        var pixelData = new MemoryStream();
        while (true)
        {
            if (position + 8 > png.Length)
                throw new PictureDataException($"the file ends at byte {png.Length} before the IEND chunk: it is truncated", png.Length);
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position));
            string type = ChunkType(png.AsSpan(position + 4, 4));
            if (length > int.MaxValue || position + 12L + length > png.Length)
                throw new PictureDataException(
                    $"the {type} chunk at byte {position} claims {length:N0} bytes of data but the file holds {Math.Max(0, png.Length - position - 12):N0} more: it is truncated or corrupt", position);
            ReadOnlySpan<byte> data = png.AsSpan(position + 8, (int)length);
            switch (type)
            {
                case "IHDR":
                    if (length != 13) throw new PictureDataException($"the IHDR chunk at byte {position} has {length} bytes; PNG's has 13", position);
                    expected = PngPixelDataSize(data, position);
                    pixels = (long)BinaryPrimitives.ReadUInt32BigEndian(data) * BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                    break;
                case "CgBI": rawDeflate = true; break; // Apple's variant: deflate without the zlib header
                case "IDAT": pixelData.Write(data); break;
            }
            if (position == signature && type != "IHDR")
                throw new PictureDataException($"the first chunk is {type}; a PNG starts with IHDR", position);
            if (type == "IEND") break;
            position += 12 + (int)length;
        }
        if (pixels == 0 || pixels > NeuralNet.Data.DigitImage.MaxPixels) return; // refused from the header by the caller, no need to inflate
        if (pixelData.Length == 0) throw new PictureDataException("its IDAT chunks hold no data: there is no pixel data", position);
        pixelData.Position = 0;

        var clock = Stopwatch.StartNew();
        long inflated = 0;
        byte[] buffer = new byte[1 << 16];
        try
        {
            using Stream inflater = rawDeflate ? new DeflateStream(pixelData, CompressionMode.Decompress) : new ZLibStream(pixelData, CompressionMode.Decompress);
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                inflated += read;
                if (inflated > expected)
                    throw new PictureDataException(
                        $"its pixel data (IDAT) inflates to more than the {expected:N0} bytes its header's size and format need: it is corrupt or a \"decompression bomb\"", signature);
                cancellation.ThrowIfCancellationRequested();
                if (clock.Elapsed > timeLimit)
                    throw new PictureDataException($"inflating its pixel data took more than {timeLimit.TotalSeconds:0} s; nn gives up on a picture after that", signature) { IsTimeLimit = true };
            }
        }
        catch (InvalidDataException e)
        {
            throw new PictureDataException($"its compressed pixel data (IDAT) is corrupt ({e.Message.TrimEnd('.')})", signature);
        }
        if (inflated < expected)
            throw new PictureDataException(
                $"its pixel data (IDAT) inflates to {inflated:N0} bytes but its header's size and format need {expected:N0}: it is truncated or corrupt", signature);
    }

    /// <summary>
    /// Walks a JPEG's marker segments (skipping the entropy-coded data after each SOS) and returns how many
    /// scans it has; refuses a segment whose length is below 2 or runs past the end of the file.
    /// </summary>
    public static int CountJpegScans(byte[] jpeg)
    {
        int position = 2, scans = 0; // after SOI (FF D8)
        while (position < jpeg.Length && jpeg[position] == 0xFF)
        {
            int markerAt = position;
            while (position < jpeg.Length && jpeg[position] == 0xFF) position++; // fill bytes
            if (position >= jpeg.Length) break;
            byte marker = jpeg[position++];
            if (marker == 0xD9) break;                                          // EOI
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue;                // RSTn, TEM: no length
            string name = SegmentName(marker);
            if (position + 2 > jpeg.Length)
                throw new PictureDataException($"the file ends inside the {name} marker at byte {markerAt}: it is truncated", markerAt);
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(position));
            if (length < 2)
                throw new PictureDataException($"the {name} segment at byte {markerAt} declares a length of {length}; at least 2 (the length field itself)", markerAt);
            if (position + length > jpeg.Length)
                throw new PictureDataException(
                    $"the {name} segment at byte {markerAt} claims {length:N0} bytes but the file holds {jpeg.Length - position:N0} more: it is truncated or corrupt", markerAt);
            position += length;
            if (marker != 0xDA) continue;
            scans++;
            // Entropy-coded data runs to the next marker: FF followed by anything but 00 (a stuffed FF), FF or RSTn.
            while (position + 1 < jpeg.Length && !(jpeg[position] == 0xFF && jpeg[position + 1] is not (0x00 or 0xFF or >= 0xD0 and <= 0xD7)))
                position++;
            if (position + 1 >= jpeg.Length) break;
        }
        return scans;
    }

    // The size of a PNG's filtered pixel data: per row a filter byte and the row's bytes, per Adam7 pass when interlaced.
    private static long PngPixelDataSize(ReadOnlySpan<byte> ihdr, int offset)
    {
        long width = BinaryPrimitives.ReadUInt32BigEndian(ihdr), height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        int bitDepth = ihdr[8], colourType = ihdr[9], interlace = ihdr[12];
        int channels = colourType switch
        {
            0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4,
            _ => throw new PictureDataException($"its colour type is {colourType}; PNG defines 0, 2, 3, 4 and 6", offset + 17),
        };
        if (bitDepth is not (1 or 2 or 4 or 8 or 16))
            throw new PictureDataException($"its bit depth is {bitDepth}; PNG defines 1, 2, 4, 8 and 16", offset + 16);
        int bitsPerPixel = channels * bitDepth;
        long RowsSize(long w, long h) => w == 0 || h == 0 ? 0 : h * (1 + (w * bitsPerPixel + 7) / 8);
        if (interlace == 0) return RowsSize(width, height);
        long size = 0;
        foreach ((int x0, int y0, int dx, int dy) in (ReadOnlySpan<(int, int, int, int)>)[(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)])
            size += RowsSize((width - x0 + dx - 1) / dx, (height - y0 + dy - 1) / dy);
        return size;
    }

    private static string ChunkType(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
            if (b is not (>= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z')) return Convert.ToHexString(type);
        return System.Text.Encoding.ASCII.GetString(type);
    }

    private static string SegmentName(byte marker) => marker switch
    {
        >= 0xE0 and <= 0xEF => $"APP{marker - 0xE0}",
        0xC4 => "DHT",
        0xCC => "DAC",
        >= 0xC0 and <= 0xCF => $"SOF{marker - 0xC0}",
        0xDA => "SOS",
        0xDB => "DQT",
        0xDD => "DRI",
        0xFE => "COM",
        _ => $"FF{marker:X2}",
    };
}

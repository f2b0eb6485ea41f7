using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace NeuralNet.Cli.Tests;

/// <summary>Pictures crafted byte by byte for the picture tests: PNGs of chosen chunks, JPEGs with patched segments.</summary>
public static class PictureSamples
{
    /// <summary>A sample picture copied beside the tests (a 28x28 MNIST "7" in many formats).</summary>
    public static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "images", name);

    /// <summary>A PNG with one IHDR, one IDAT holding <paramref name="idat"/> and IEND, each with its CRC.</summary>
    public static byte[] Png(int width, int height, byte[] idat, byte bitDepth = 8, byte colourType = 0)
    {
        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Bytes compressed with zlib, as a PNG's IDAT holds them.</summary>
    public static byte[] Zlib(byte[] raw)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        return output.ToArray();
    }

    /// <summary>
    /// The sample progressive JPEG (28x28, 6 scans) with its frame header claiming <paramref name="side"/> x
    /// <paramref name="side"/> pixels and its last scan repeated <paramref name="repeats"/> times: each scan is a pass
    /// over every pixel, so a small file asks for hours of work.
    /// </summary>
    public static byte[] ProgressiveJpegWithRepeatedScan(int side, int repeats)
    {
        byte[] jpeg = File.ReadAllBytes(Sample("progressive.jpg"));
        int sof = IndexOfMarker(jpeg, 0xC2, 0), lastScan = LastIndexOfMarker(jpeg, 0xDA), end = LastIndexOfMarker(jpeg, 0xD9);
        byte[] head = jpeg[..end];
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(sof + 5), (ushort)side); // height
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(sof + 7), (ushort)side); // width
        var result = new MemoryStream();
        result.Write(head);
        for (int i = 0; i < repeats; i++) result.Write(jpeg.AsSpan(lastScan, end - lastScan));
        result.Write([0xFF, 0xD9]);
        return result.ToArray();
    }

    /// <summary>A grey page with light noise and a small, thin, anti-aliased "0" (20x30 px; darkest pixel about 54, paper about 213).</summary>
    public static byte[] SmallZeroOnNoisyPage(out int width, out int height)
    {
        (width, height) = (300, 254);
        var random = new Random(3);
        byte[] page = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 4.5;
                double dx = (x - 140) / 9.0, dy = (y - 120) / 14.0;
                double distance = Math.Abs(Math.Sqrt(dx * dx + dy * dy) - 1) * 10.5; // from the ellipse, in about pixels
                double ink = Math.Exp(-distance * distance / (2 * 0.6 * 0.6)) * ((x + y) % 7 == 0 ? 1.0 : 0.6);
                page[y * width + x] = (byte)Math.Clamp(Math.Round(213 + noise - (213 - 54) * ink), 0, 255);
            }
        return page;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> field = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(field, data.Length);
        png.Write(field);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(field, Crc32(typeAndData));
        png.Write(field);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static int IndexOfMarker(byte[] jpeg, byte marker, int from)
    {
        for (int i = from; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker) return i;
        throw new InvalidOperationException($"no FF{marker:X2} marker");
    }

    private static int LastIndexOfMarker(byte[] jpeg, byte marker)
    {
        for (int i = jpeg.Length - 2; i >= 0; i--)
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker) return i;
        throw new InvalidOperationException($"no FF{marker:X2} marker");
    }
}

using NeuralNet.Data;
using StbImageSharp;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Reads a picture file as a grey <see cref="DigitImage"/>: PNG, JPEG, BMP and GIF through StbImageSharp,
/// PGM through the library's own reader. Transparent pixels count as white paper. A picture of more than
/// <see cref="DigitImage.MaxPixels"/> is refused from its header, before it is decoded.
/// </summary>
public static class ImageFiles
{
    /// <summary>Reads and decodes <paramref name="path"/>.</summary>
    /// <exception cref="DataFileException">The file is missing, empty, not an image, or corrupt; the message names it.</exception>
    public static DigitImage Read(string path)
    {
        if (Directory.Exists(path)) throw new DataFileException(path, "is a folder, not an image file.");
        if (!File.Exists(path)) throw new DataFileException(path, "the file does not exist.");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new DataFileException(path, "the file is empty; expected a PNG, JPEG, BMP or PGM image.");
        if (PgmImage.IsPgm(bytes)) return PgmImage.Read(bytes, path);
        string? format = Format(bytes);
        if (format is null)
            throw new DataFileException(path, $"not an image: expected PNG, JPEG, BMP or PGM, but the file starts with {Describe(bytes)}.", 0);

        // The header first: a small file can declare a huge picture (a "decompression bomb").
        ImageInfo? info;
        try { info = ImageInfo.FromStream(new MemoryStream(bytes, writable: false)); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DataFileException(path, $"corrupt {format} image: its header cannot be read ({DecoderMessage(e)}).", inner: e);
        }
        if (info is not ImageInfo header)
            throw new DataFileException(path, $"corrupt {format} image: its header cannot be read.", 0);
        if (header.Width < 1 || header.Height < 1)
            throw new DataFileException(path, $"the {format} header declares a {header.Width}x{header.Height} image; it has no pixels.");
        long pixelCount = (long)header.Width * header.Height;
        if (pixelCount > DigitImage.MaxPixels)
            throw new DataFileException(path,
                $"the {format} image is {header.Width}x{header.Height} = {pixelCount:N0} pixels, more than the {DigitImage.MaxPixels:N0} nn reads; scale it down first.");

        ImageResult decoded;
        try
        {
            decoded = ImageResult.FromMemory(bytes, ColorComponents.GreyAlpha);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DataFileException(path, $"corrupt {format} image: the decoder says \"{DecoderMessage(e)}\".", inner: e);
        }
        if (decoded.Width != header.Width || decoded.Height != header.Height || decoded.Data.Length < (long)decoded.Width * decoded.Height * 2)
            throw new DataFileException(path, $"corrupt {format} image: decoded to {decoded.Width}x{decoded.Height} with too few pixels.");

        // Grey over white paper: g·a + 1·(1 − a).
        float[] pixels = new float[decoded.Width * decoded.Height];
        for (int i = 0; i < pixels.Length; i++)
        {
            float grey = decoded.Data[2 * i] / 255f, alpha = decoded.Data[2 * i + 1] / 255f;
            pixels[i] = Math.Clamp(grey * alpha + (1f - alpha), 0f, 1f);
        }
        return new DigitImage(decoded.Width, decoded.Height, pixels);
    }

    // The decoder's message, cleaned: it comes from a C string buffer and can carry NUL bytes.
    private static string DecoderMessage(Exception e)
    {
        string text = new string(e.Message.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return text.Length == 0 ? e.GetType().Name : text;
    }

    // The format named by the file's magic bytes, or null.
    private static string? Format(ReadOnlySpan<byte> b) =>
        b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "PNG"
        : b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "JPEG"
        : b.StartsWith("BM"u8) ? "BMP"
        : b.StartsWith("GIF8"u8) ? "GIF"
        : null;

    private static string Describe(byte[] bytes) =>
        string.Join(" ", bytes.Take(4).Select(b => b.ToString("X2"))) +
        (bytes.Take(16).All(b => b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t') ? " (text)" : "");
}

using NeuralNet.Data;
using StbImageSharp;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Reads a picture file as a grey <see cref="DigitImage"/>: PNG, JPEG, BMP and GIF through StbImageSharp,
/// PGM through the library's own reader. Transparent pixels count as white paper.
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

        ImageResult decoded;
        try
        {
            decoded = ImageResult.FromMemory(bytes, ColorComponents.GreyAlpha);
        }
        catch (Exception e)
        {
            throw new DataFileException(path, $"corrupt {format} image: the decoder says \"{e.Message}\".", inner: e);
        }
        if (decoded.Width < 1 || decoded.Height < 1 || decoded.Data.Length < decoded.Width * decoded.Height * 2)
            throw new DataFileException(path, $"corrupt {format} image: decoded to {decoded.Width}x{decoded.Height} with too few pixels.");

        // Grey over white paper: g·a + 1·(1 − a).
        var pixels = new float[decoded.Width * decoded.Height];
        for (int i = 0; i < pixels.Length; i++)
        {
            float grey = decoded.Data[2 * i] / 255f, alpha = decoded.Data[2 * i + 1] / 255f;
            pixels[i] = Math.Clamp(grey * alpha + (1f - alpha), 0f, 1f);
        }
        return new DigitImage(decoded.Width, decoded.Height, pixels);
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

using System.Diagnostics;
using System.Text;
using NeuralNet.Data;
using StbImageSharp;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Reads a picture file as a grey <see cref="DigitImage"/>: PNG, JPEG (baseline and progressive), BMP and GIF
/// through StbImageSharp, PGM through the library's own reader. Transparent pixels count as white paper.
/// Every picture is held to a budget, checked before and during decoding: at most <see cref="MaxFileBytes"/>
/// read, <see cref="DigitImage.MaxPixels"/> pixels (from the header, before decoding), a PNG's pixel data no
/// larger than its header promises, a progressive JPEG's scans times pixels at most <see cref="MaxScanPixels"/>,
/// and <see cref="TimeLimit"/> of decoding, which the cancellation token (Ctrl+C) also ends.
/// </summary>
public static class ImageFiles
{
    /// <summary>The largest picture file nn reads: 512 MiB, more than a 40-megapixel picture takes in any of the formats.</summary>
    public const long MaxFileBytes = 512L << 20;

    /// <summary>
    /// The most work a progressive JPEG may ask for, as scans times pixels (each scan passes over every pixel):
    /// 1,000,000,000, e.g. 25 scans of 40 megapixels. Encoders write about 10 scans; a crafted file can repeat one thousands of times.
    /// </summary>
    public const long MaxScanPixels = 1_000_000_000;

    /// <summary>How long one picture may take to decode.</summary>
    public static TimeSpan TimeLimit { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads and decodes <paramref name="path"/>; <paramref name="cancellation"/> stops the decoding within one read of the file.</summary>
    /// <exception cref="DataFileException">The file is missing, empty, not a regular file, too large, not an image, corrupt, or over the budget; the message names it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static DigitImage Read(string path, CancellationToken cancellation = default)
    {
        string name = DisplayName(path);
        byte[] bytes = ReadFile(path, name);
        cancellation.ThrowIfCancellationRequested();
        if (PgmImage.IsPgm(bytes)) return PgmImage.Read(bytes, name);
        string format = Format(bytes)!;

        var clock = Stopwatch.StartNew();
        PictureStream Stream() => new(bytes, TimeLimit - clock.Elapsed, cancellation);
        ImageResult decoded;
        try
        {
            int scans = format == "JPEG" ? PictureChecks.CountJpegScans(bytes) : 0;
            if (format == "PNG") PictureChecks.CheckPng(bytes, TimeLimit, cancellation);

            // The header first: a small file can declare a huge picture (a "decompression bomb").
            if (ImageInfo.FromStream(Stream()) is not ImageInfo header)
                throw new DataFileException(name, $"corrupt {format} image: its header cannot be read.", 0);
            if (header.Width < 1 || header.Height < 1)
                throw new DataFileException(name, $"the {format} header declares a {header.Width}x{header.Height} image; it has no pixels.");
            long pixelCount = (long)header.Width * header.Height;
            if (pixelCount > DigitImage.MaxPixels)
                throw new DataFileException(name,
                    $"the {format} image is {header.Width}x{header.Height} = {pixelCount:N0} pixels, more than the {DigitImage.MaxPixels:N0} nn reads; scale it down first.");
            if (scans * pixelCount > MaxScanPixels)
                throw new DataFileException(name,
                    $"the JPEG image has {scans:N0} scans of {pixelCount:N0} pixels, more work than the {MaxScanPixels:N0} scan-pixels nn allows; save it again as a baseline JPEG or PNG.");

            decoded = ImageResult.FromStream(Stream(), ColorComponents.GreyAlpha);
            if (decoded.Width != header.Width || decoded.Height != header.Height || decoded.Data.Length < 2L * decoded.Width * decoded.Height)
                throw new DataFileException(name, $"corrupt {format} image: decoded to {decoded.Width}x{decoded.Height} with too few pixels.");
        }
        catch (PictureDataException e)
        {
            throw new DataFileException(name, $"{(e.IsTimeLimit ? "" : "corrupt ")}{format} image: {e.Message}.", e.ByteOffset, e);
        }
        catch (Exception e) when (e is not (DataFileException or OperationCanceledException or OutOfMemoryException))
        {
            throw new DataFileException(name, $"corrupt {format} image: the decoder refused it ({DecoderMessage(e)}).", inner: e);
        }

        // Grey over white paper: g·a + 1·(1 − a).
        float[] pixels = new float[decoded.Width * decoded.Height];
        for (int i = 0; i < pixels.Length; i++)
        {
            float grey = decoded.Data[2 * i] / 255f, alpha = decoded.Data[2 * i + 1] / 255f;
            pixels[i] = Math.Clamp(grey * alpha + (1f - alpha), 0f, 1f);
        }
        return new DigitImage(decoded.Width, decoded.Height, pixels);
    }

    /// <summary>
    /// A path as messages show it: control characters (a newline in a file name would split the line) written
    /// as escapes, <c>\n</c>, <c>\t</c>, <c>\u001B</c>.
    /// </summary>
    public static string DisplayName(string path)
    {
        if (!path.Any(char.IsControl)) return path;
        var text = new StringBuilder(path.Length + 8);
        foreach (char c in path)
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return text.ToString();
    }

    // The file's bytes, after checks that need none of them or only the first few: no FIFO is opened, no device
    // read, and a file is judged by its first bytes before the rest is read.
    private static byte[] ReadFile(string path, string name)
    {
        if (Directory.Exists(path)) throw new DataFileException(name, "is a folder, not an image file.");
        var file = new FileInfo(path);
        // A symbolic link is judged by what it finally points to (its own length is that of the target's name); resolved from
        // its full path, as .NET resolves a relative link from the root otherwise.
        if (file.Exists && file.LinkTarget is not null && File.ResolveLinkTarget(Path.GetFullPath(path), returnFinalTarget: true) is FileInfo target) file = target;
        if (!file.Exists) throw new DataFileException(name, "the file does not exist.");
        // FIFOs, devices and sockets have no length: opening a FIFO would wait for a writer, and /dev/zero never ends.
        if (file.Length == 0)
            throw new DataFileException(name, "the file is empty, or not a regular file (a FIFO, device or socket); expected a PNG, JPEG, BMP, GIF or PGM image.");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            byte[] start = new byte[16];
            int got = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            if (!PgmImage.IsPgm(start.AsSpan(0, got)) && Format(start.AsSpan(0, got)) is null)
                throw new DataFileException(name, $"not an image: expected PNG, JPEG, BMP, GIF or PGM, but the file starts with {Describe(start.AsSpan(0, got))}.", 0);
            if (file.Length > MaxFileBytes)
                throw new DataFileException(name, $"the file is {file.Length:N0} bytes, more than the {MaxFileBytes:N0} nn reads as a picture.");
            byte[] bytes = new byte[file.Length];
            start.AsSpan(0, got).CopyTo(bytes);
            int total = got + stream.ReadAtLeast(bytes.AsSpan(got), bytes.Length - got, throwOnEndOfStream: false);
            if (total < bytes.Length)
                throw new DataFileException(name, $"the file shrank while it was read: {total:N0} of {bytes.Length:N0} bytes.", total);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not DataFileException)
        {
            throw new DataFileException(name, $"cannot be read: {e.Message}", inner: e);
        }
    }

    // The decoder's message, cleaned: it comes from a C string buffer and can carry NUL bytes; some errors have none.
    private static string DecoderMessage(Exception e)
    {
        string text = new string(e.Message.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return e is InvalidOperationException
            ? text.Length == 0 ? "it gives no reason" : $"\"{text}\""
            : $"{e.GetType().Name}{(text.Length == 0 ? "" : $": {text}")}";
    }

    // The format named by the file's magic bytes, or null.
    private static string? Format(ReadOnlySpan<byte> b) =>
        b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "PNG"
        : b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "JPEG"
        : b.StartsWith("BM"u8) ? "BMP"
        : b.StartsWith("GIF8"u8) ? "GIF"
        : null;

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> first = bytes[..Math.Min(4, bytes.Length)];
        bool text = true;
        foreach (byte b in bytes) text &= b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t';
        return string.Join(" ", first.ToArray().Select(b => b.ToString("X2"))) + (text ? " (text)" : "");
    }
}

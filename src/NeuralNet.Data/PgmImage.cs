using System.Text;

namespace NeuralNet.Data;

/// <summary>
/// Reads and writes PGM (portable grey map) images, the simplest grey image format there is: a text header
/// <c>P5 width height maxval</c> (comments start with <c>#</c>), then the pixels row by row — one byte each
/// (two, big-endian, when maxval &gt; 255) in P5, decimal numbers in P2. 0 is black, maxval white. Image
/// viewers and editors (GIMP, ImageMagick, VS Code extensions) open it, and it needs no encoder library,
/// so chapters can save and load their own digits with it.
/// </summary>
public static class PgmImage
{
    /// <summary>Reads a P5 (binary) or P2 (plain text) PGM file.</summary>
    /// <exception cref="DataFileException">The file is not a PGM image or is malformed; the message names the file, the problem and the byte offset.</exception>
    public static DigitImage Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new DataFileException(path, "the file does not exist.", inner: e); }
        catch (DirectoryNotFoundException e) { throw new DataFileException(path, "the file does not exist.", inner: e); }
        return Read(bytes, path);
    }

    /// <summary>Reads PGM content from a stream; <paramref name="sourceName"/> names it in error messages.</summary>
    public static DigitImage Read(Stream stream, string sourceName)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.ToArray(), sourceName);
    }

    /// <summary>Whether the bytes start like a PGM file (<c>P2</c> or <c>P5</c> followed by white space).</summary>
    public static bool IsPgm(ReadOnlySpan<byte> start) =>
        start.Length >= 3 && start[0] == (byte)'P' && (start[1] == (byte)'5' || start[1] == (byte)'2') && IsWhiteSpace(start[2]);

    /// <summary>Parses PGM bytes; <paramref name="sourceName"/> names them in error messages.</summary>
    public static DigitImage Read(byte[] bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0) throw new DataFileException(sourceName, "the file is empty; expected a PGM header (P5 or P2).", 0);
        if (!IsPgm(bytes))
            throw new DataFileException(sourceName, "not a PGM image: it must start with P5 (binary) or P2 (plain text).", 0);
        bool binary = bytes[1] == (byte)'5';
        int position = 2;
        int width = ReadHeaderNumber(bytes, ref position, sourceName, "the width");
        int height = ReadHeaderNumber(bytes, ref position, sourceName, "the height");
        int maxValue = ReadHeaderNumber(bytes, ref position, sourceName, "the maximum grey value");
        if (width < 1 || height < 1)
            throw new DataFileException(sourceName, $"the header declares a {width}x{height} image; both sizes must be at least 1.", 3);
        if (maxValue is < 1 or > 65535)
            throw new DataFileException(sourceName, $"the maximum grey value is {maxValue}; it must be 1..65535.", position);
        long count = (long)width * height;
        if (count > DigitImage.MaxPixels)
            throw new DataFileException(sourceName, $"a {width}x{height} image has {count:N0} pixels, more than the {DigitImage.MaxPixels:N0} this reader accepts.", 3);

        // The pixels must be there before they are allocated: binary needs 1 or 2 bytes each, plain text at least 2 ("0 ").
        int size = maxValue > 255 ? 2 : 1;
        long needed = binary ? count * size : 2 * count - 1;
        long present = bytes.Length - position - (binary ? 1 : 0);
        if (present < needed)
            throw new DataFileException(sourceName,
                $"truncated: a {width}x{height} image with maximum {maxValue} needs {(binary ? "" : "at least ")}{needed:N0} bytes of pixels but only {Math.Max(0, present):N0} follow.",
                bytes.Length);
        float[] pixels = new float[count];
        if (binary)
        {
            position++; // exactly one white-space character separates the header from the pixels
            for (long i = 0; i < count; i++)
            {
                int value = size == 1 ? bytes[position + i] : (bytes[position + 2 * i] << 8) | bytes[position + 2 * i + 1];
                pixels[i] = Grey(value, maxValue, sourceName, position + i * size);
            }
        }
        else
        {
            for (long i = 0; i < count; i++)
            {
                SkipWhiteSpaceAndComments(bytes, ref position);
                if (position >= bytes.Length)
                    throw new DataFileException(sourceName, $"truncated: a {width}x{height} image needs {count:N0} grey values but only {i:N0} follow.", position);
                int start = position;
                int value = ReadNumber(bytes, ref position, sourceName, $"grey value {i}");
                pixels[i] = Grey(value, maxValue, sourceName, start);
            }
        }
        return new DigitImage(width, height, pixels);
    }

    /// <summary>
    /// Writes the image as PGM with maximum 255 — binary P5 by default, plain-text P2 with <paramref name="plainText"/>
    /// (larger, but readable in a text editor) — atomically: to a temporary name, then renamed.
    /// </summary>
    public static void Write(string path, DigitImage image, bool plainText = false) =>
        AtomicFile.Write(path, stream => Write(stream, image, plainText));

    /// <summary>Writes the image as PGM to a stream.</summary>
    public static void Write(Stream stream, DigitImage image, bool plainText = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte[] grey = image.ToBytes();
        string header = $"{(plainText ? "P2" : "P5")}\n# written by NeuralNet\n{image.Width} {image.Height}\n255\n";
        stream.Write(Encoding.ASCII.GetBytes(header));
        if (!plainText)
        {
            stream.Write(grey);
            return;
        }
        var text = new StringBuilder(grey.Length * 4);
        for (int r = 0; r < image.Height; r++)
        {
            for (int c = 0; c < image.Width; c++)
            {
                if (c > 0) text.Append(' ');
                text.Append(grey[r * image.Width + c]);
            }
            text.Append('\n');
        }
        stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static float Grey(int value, int maxValue, string sourceName, long offset)
    {
        if (value > maxValue)
            throw new DataFileException(sourceName, $"grey value {value} is above the declared maximum {maxValue}.", offset);
        return (float)value / maxValue;
    }

    private static int ReadHeaderNumber(byte[] bytes, ref int position, string sourceName, string what)
    {
        int before = position;
        SkipWhiteSpaceAndComments(bytes, ref position);
        if (position == before && position < bytes.Length)
            throw new DataFileException(sourceName, $"expected white space before {what} in the header.", position);
        if (position >= bytes.Length)
            throw new DataFileException(sourceName, $"truncated header: expected {what} but the file ends.", position);
        return ReadNumber(bytes, ref position, sourceName, what);
    }

    private static int ReadNumber(byte[] bytes, ref int position, string sourceName, string what)
    {
        int start = position;
        long value = 0;
        while (position < bytes.Length && bytes[position] is >= (byte)'0' and <= (byte)'9')
        {
            value = value * 10 + (bytes[position] - '0');
            if (value > int.MaxValue) throw new DataFileException(sourceName, $"{what} is too large.", start);
            position++;
        }
        if (position == start)
            throw new DataFileException(sourceName, $"expected a decimal number for {what}, found byte 0x{bytes[position]:X2}.", position);
        if (position < bytes.Length && !IsWhiteSpace(bytes[position]) && bytes[position] != (byte)'#')
            throw new DataFileException(sourceName, $"expected white space after {what}, found byte 0x{bytes[position]:X2}.", position);
        return (int)value;
    }

    private static void SkipWhiteSpaceAndComments(byte[] bytes, ref int position)
    {
        while (position < bytes.Length)
        {
            if (IsWhiteSpace(bytes[position])) position++;
            else if (bytes[position] == (byte)'#')
                while (position < bytes.Length && bytes[position] != (byte)'\n') position++;
            else break;
        }
    }

    private static bool IsWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;
}

using System.Text;
using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>
/// A grey-scale image — <see cref="Width"/> x <see cref="Height"/> brightness values in [0, 1] (0 black,
/// 1 white), row by row — and the preprocessing that turns any picture of a digit into what an MNIST
/// network expects (<see cref="ToMnist"/>).
/// </summary>
/// <example>
/// <code>
/// var photo = new DigitImage(width, height, greyPixels);   // e.g. decoded from a PNG, or drawn in a chapter
/// DigitImage digit = photo.ToMnist();                     // 28x28, light ink on black, centred like MNIST
/// int predicted = network.Predict(digit.Pixels);
/// </code>
/// </example>
public sealed class DigitImage
{
    /// <summary>Width and height of an MNIST image.</summary>
    public const int MnistSide = 28;

    /// <summary>The pixel (row and column index) on which MNIST put each digit's centre of mass.</summary>
    public const int MnistCenter = 14;

    /// <summary>MNIST digits were scaled so that the longer side of their ink fits in this many pixels.</summary>
    public const int MnistInkSide = 20;

    /// <summary>
    /// The most pixels an image file may have to be read (40,000,000, e.g. 8000 x 5000): far more than any
    /// photo of a digit needs, and a bound on what a small crafted file (a "decompression bomb") can make a
    /// reader allocate. Readers check it from the header, before decoding.
    /// </summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>Wraps <paramref name="pixels"/> (not copied): width·height brightness values in [0, 1], row by row.</summary>
    /// <exception cref="ArgumentException">The sizes are not positive, the count does not match, or a value is outside [0, 1].</exception>
    public DigitImage(int width, int height, float[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height)
            throw new ArgumentException($"A {width}x{height} image needs {(long)width * height} pixels, got {pixels.Length}.", nameof(pixels));
        for (int i = 0; i < pixels.Length; i++)
            if (!(pixels[i] >= 0f && pixels[i] <= 1f))
                throw new ArgumentException($"Pixel {i} (row {i / width}, column {i % width}) is {pixels[i]}; expected a brightness in [0, 1].", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>An image from 8-bit grey values (0 black .. 255 white), row by row.</summary>
    public static DigitImage FromBytes(int width, int height, ReadOnlySpan<byte> pixels)
    {
        var values = new float[pixels.Length];
        for (int i = 0; i < values.Length; i++) values[i] = pixels[i] / 255f;
        return new DigitImage(width, height, values);
    }

    /// <summary>Image <paramref name="index"/> of a dataset (a copy).</summary>
    public static DigitImage FromDataset(ImageDataset dataset, int index)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new DigitImage(dataset.Width, dataset.Height, dataset.Image(index).ToArray());
    }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Brightness values in [0, 1], row by row. For a 28x28 MNIST-style image these are the network's 784 inputs.</summary>
    public float[] Pixels { get; }

    /// <summary>The brightness at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public float this[int row, int column] => Pixels[row * Width + column];

    /// <summary>The pixels as 8-bit grey values (0..255), e.g. to write an IDX, PGM or PNG file.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Pixels.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)MathF.Round(Pixels[i] * 255f);
        return bytes;
    }

    /// <summary>The pixels as a 1 x (width·height) matrix: a batch of one for <c>network.PredictProbabilities</c>.</summary>
    public Matrix ToBatch() => new(1, Pixels.Length, (float[])Pixels.Clone());

    /// <summary>1 − brightness: dark ink on light paper becomes light ink on black, and back.</summary>
    public DigitImage Invert()
    {
        var inverted = new float[Pixels.Length];
        for (int i = 0; i < inverted.Length; i++) inverted[i] = 1f - Pixels[i];
        return new DigitImage(Width, Height, inverted);
    }

    /// <summary>
    /// The brightness-weighted mean position in pixel indices (row, column). MNIST's digits have theirs at
    /// (14, 14), give or take half a pixel. Null for an all-black image.
    /// </summary>
    public (double Row, double Column)? CenterOfMass()
    {
        double mass = 0, rowSum = 0, columnSum = 0;
        for (int r = 0; r < Height; r++)
            for (int c = 0; c < Width; c++)
            {
                double v = Pixels[r * Width + c];
                mass += v;
                rowSum += v * r;
                columnSum += v * c;
            }
        return mass > 0 ? (rowSum / mass, columnSum / mass) : null;
    }

    /// <summary>
    /// Turns a picture of one digit into a 28x28 MNIST-style image, the way MNIST itself was made: grey,
    /// light ink on black (inverted if the background is light), cropped to the ink's bounding box, scaled so
    /// the longer side is 20 px keeping the aspect ratio, and pasted into 28x28 with its centre of mass on pixel (14, 14).
    /// </summary>
    /// <exception cref="ArgumentException">The image is blank: no ink stands out from the background.</exception>
    public DigitImage ToMnist() => PrepareLikeMnist().Image;

    /// <summary><see cref="ToMnist"/>, also reporting what each step decided (for <c>nn predict --show</c>).</summary>
    /// <param name="invert">Force (true) or forbid (false) inversion; null decides from the border: a light border means dark ink.</param>
    /// <exception cref="ArgumentException">The image is blank: no ink stands out from the background.</exception>
    public PreparedDigit PrepareLikeMnist(bool? invert = null)
    {
        // 1. Polarity: MNIST is light ink on black. The border is background, so a light border means dark ink.
        float border = BorderMedian();
        bool inverted = invert ?? border > 0.5f;
        float[] ink = inverted ? Invert().Pixels : (float[])Pixels.Clone();
        float background = inverted ? 1f - border : border;

        // 2. Contrast: background to 0, the strongest ink to 1; faint noise (paper texture, JPEG) to 0.
        float max = 0;
        foreach (float v in ink) max = MathF.Max(max, v);
        if (max - background < MinimumContrast)
            throw new ArgumentException($"The {Width}x{Height} image looks blank: its ink differs from the background by {max - background:0.00} of full brightness (at least {MinimumContrast} needed).");
        for (int i = 0; i < ink.Length; i++)
        {
            float v = (ink[i] - background) / (max - background);
            ink[i] = v < NoiseFloor ? 0f : MathF.Min(v, 1f);
        }

        // 3. Crop to the bounding box of the ink.
        var (left, top, right, bottom) = InkBox(ink, Width, Height);
        int boxWidth = right - left + 1, boxHeight = bottom - top + 1;
        var cropped = new float[boxWidth * boxHeight];
        for (int r = 0; r < boxHeight; r++)
            Array.Copy(ink, (top + r) * Width + left, cropped, r * boxWidth, boxWidth);

        // 4. Scale the longer side to 20 px, keeping the aspect ratio.
        double scale = (double)MnistInkSide / Math.Max(boxWidth, boxHeight);
        int scaledWidth = Math.Clamp((int)Math.Round(boxWidth * scale), 1, MnistInkSide);
        int scaledHeight = Math.Clamp((int)Math.Round(boxHeight * scale), 1, MnistInkSide);
        float[] scaled = Resample(cropped, boxWidth, boxHeight, scaledWidth, scaledHeight);
        float scaledMax = scaled.Max();
        if (scaledMax > 0) for (int i = 0; i < scaled.Length; i++) scaled[i] /= scaledMax; // thin strokes shrunk to grey: strongest back to 1

        // 5. Paste into 28x28 so that the centre of mass lands on pixel (14, 14), as in MNIST, to the nearest pixel.
        var (massRow, massColumn) = new DigitImage(scaledWidth, scaledHeight, scaled).CenterOfMass()!.Value;
        int shiftRow = (int)Math.Round(MnistCenter - massRow);
        int shiftColumn = (int)Math.Round(MnistCenter - massColumn);
        var result = new float[MnistSide * MnistSide];
        for (int r = 0; r < scaledHeight; r++)
        {
            int targetRow = r + shiftRow;
            if ((uint)targetRow >= MnistSide) continue;
            for (int c = 0; c < scaledWidth; c++)
            {
                int targetColumn = c + shiftColumn;
                if ((uint)targetColumn < MnistSide) result[targetRow * MnistSide + targetColumn] = scaled[r * scaledWidth + c];
            }
        }
        return new PreparedDigit(new DigitImage(MnistSide, MnistSide, result), inverted, left, top, boxWidth, boxHeight, scale, shiftColumn, shiftRow);
    }

    /// <summary>
    /// The image as text, one line per row and two characters per pixel (so it looks square in a terminal):
    /// darker characters for brighter pixels, <c>@</c> for full ink.
    /// </summary>
    public string ToTextArt()
    {
        const string ramp = " .:-=+*#%@";
        var text = new StringBuilder((Width * 2 + 1) * Height);
        for (int r = 0; r < Height; r++)
        {
            for (int c = 0; c < Width; c++)
            {
                char ch = ramp[(int)MathF.Round(this[r, c] * (ramp.Length - 1))];
                text.Append(ch).Append(ch);
            }
            if (r < Height - 1) text.Append('\n');
        }
        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Width}x{Height} grey image";

    // Ink must differ from the background by this much of full brightness, else the image counts as blank.
    private const float MinimumContrast = 0.1f;

    // After stretching, values below this are background noise.
    private const float NoiseFloor = 0.1f;

    // A pixel belongs to the digit's bounding box from this (stretched) brightness up.
    private const float InkThreshold = 0.2f;

    private float BorderMedian()
    {
        var border = new List<float>(2 * (Width + Height));
        for (int c = 0; c < Width; c++)
        {
            border.Add(this[0, c]);
            if (Height > 1) border.Add(this[Height - 1, c]);
        }
        for (int r = 1; r < Height - 1; r++)
        {
            border.Add(this[r, 0]);
            if (Width > 1) border.Add(this[r, Width - 1]);
        }
        border.Sort();
        return border[border.Count / 2];
    }

    private static (int Left, int Top, int Right, int Bottom) InkBox(float[] ink, int width, int height)
    {
        int left = width, top = height, right = -1, bottom = -1;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                if (ink[r * width + c] < InkThreshold) continue;
                left = Math.Min(left, c);
                right = Math.Max(right, c);
                top = Math.Min(top, r);
                bottom = Math.Max(bottom, r);
            }
        return (left, top, right, bottom); // the strongest pixel is 1 after stretching, so the box is never empty
    }

    /// <summary>
    /// Resizes separably: shrinking averages the source area each target pixel covers (so thin strokes turn
    /// grey rather than vanish, like the anti-aliasing MNIST was made with); enlarging interpolates linearly.
    /// </summary>
    internal static float[] Resample(float[] source, int width, int height, int newWidth, int newHeight)
    {
        var horizontal = new float[newWidth * height];
        var columnWeights = Weights(width, newWidth);
        for (int r = 0; r < height; r++)
            for (int c = 0; c < newWidth; c++)
            {
                float sum = 0;
                foreach (var (index, weight) in columnWeights[c]) sum += source[r * width + index] * weight;
                horizontal[r * newWidth + c] = sum;
            }
        var result = new float[newWidth * newHeight];
        var rowWeights = Weights(height, newHeight);
        for (int r = 0; r < newHeight; r++)
            foreach (var (index, weight) in rowWeights[r])
                for (int c = 0; c < newWidth; c++)
                    result[r * newWidth + c] += horizontal[index * newWidth + c] * weight;
        for (int i = 0; i < result.Length; i++) result[i] = Math.Clamp(result[i], 0f, 1f);
        return result;
    }

    // For each target index along one axis, the source indices it draws from and their weights (summing to 1).
    private static (int Index, float Weight)[][] Weights(int sourceLength, int targetLength)
    {
        var weights = new (int, float)[targetLength][];
        double ratio = (double)sourceLength / targetLength;
        for (int t = 0; t < targetLength; t++)
        {
            if (ratio >= 1)
            {
                // Box filter: target pixel t covers source interval [t·ratio, (t+1)·ratio).
                double start = t * ratio, end = (t + 1) * ratio;
                var list = new List<(int, float)>();
                for (int s = (int)Math.Floor(start); s < Math.Min(sourceLength, (int)Math.Ceiling(end)); s++)
                {
                    double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                    if (overlap > 1e-9) list.Add((s, (float)(overlap / ratio)));
                }
                weights[t] = [.. list];
            }
            else
            {
                // Linear interpolation between the two nearest source pixel centres.
                double centre = (t + 0.5) * ratio - 0.5;
                int s0 = (int)Math.Floor(centre);
                float f = (float)(centre - s0);
                int a = Math.Clamp(s0, 0, sourceLength - 1), b = Math.Clamp(s0 + 1, 0, sourceLength - 1);
                weights[t] = a == b ? [(a, 1f)] : [(a, 1f - f), (b, f)];
            }
        }
        return weights;
    }
}

/// <summary>
/// The result of <see cref="DigitImage.PrepareLikeMnist"/>: the 28x28 image and what each step decided —
/// whether it was inverted, the ink's bounding box in the original, the scale, and the shift that centred it.
/// </summary>
public sealed record PreparedDigit(DigitImage Image, bool Inverted, int InkLeft, int InkTop, int InkWidth, int InkHeight,
    double Scale, int ShiftX, int ShiftY);

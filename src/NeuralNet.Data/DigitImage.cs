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
        float[] values = new float[pixels.Length];
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
        byte[] bytes = new byte[Pixels.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)MathF.Round(Pixels[i] * 255f);
        return bytes;
    }

    /// <summary>The pixels as a 1 x (width·height) matrix: a batch of one for <c>network.PredictProbabilities</c>.</summary>
    public Matrix ToBatch() => new(1, Pixels.Length, (float[])Pixels.Clone());

    /// <summary>1 − brightness: dark ink on light paper becomes light ink on black, and back.</summary>
    public DigitImage Invert()
    {
        float[] inverted = new float[Pixels.Length];
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
    /// Turns a picture of one digit into a 28x28 MNIST-style image, the way MNIST itself was made, made robust for
    /// photos and drawings: grey, light ink on black (inverted if the background is light), smoothed if noisy, the
    /// contrast stretched, cropped to the digit (specks of noise left out), deskewed, strokes made about as wide as
    /// MNIST's when they are far thinner or thicker, scaled so the longer side is 20 px keeping the aspect ratio,
    /// and pasted into 28x28 with its centre of mass on pixel (14, 14).
    /// </summary>
    /// <exception cref="ArgumentException">The image is blank: no ink stands out from the background.</exception>
    public DigitImage ToMnist() => PrepareLikeMnist().Image;

    /// <summary><see cref="ToMnist"/>, also reporting what each step decided (for <c>nn predict --show</c>).</summary>
    /// <param name="invert">Force (true) or forbid (false) inversion; null decides from the border: a light border means dark ink.</param>
    /// <param name="deskew">Shear the digit upright by its moments (<see cref="Skew"/>), as the MNIST literature does.</param>
    /// <param name="normalizeStrokes">Thicken or thin strokes far from MNIST's width (<see cref="StrokeWidth"/>).</param>
    /// <exception cref="ArgumentException">The image is blank: no ink stands out from the background.</exception>
    public PreparedDigit PrepareLikeMnist(bool? invert = null, bool deskew = true, bool normalizeStrokes = true)
    {
        // 1. Polarity: MNIST is light ink on black. The border is background, so a light border means dark ink.
        bool inverted = invert ?? BorderMedian(Pixels, Width, Height) > 0.5f;
        float[] ink = inverted ? Invert().Pixels : (float[])Pixels.Clone();

        // 2. Large photos are shrunk to at most WorkingSide px first (averaging, which also quiets their noise).
        int width = Width, height = Height;
        double reduction = Math.Max(1.0, (double)Math.Max(width, height) / WorkingSide);
        if (reduction > 1)
        {
            int newWidth = Math.Max(1, (int)Math.Round(width / reduction)), newHeight = Math.Max(1, (int)Math.Round(height / reduction));
            ink = Resample(ink, width, height, newWidth, newHeight);
            (width, height) = (newWidth, newHeight);
        }

        // 3. Noise: smooth a noisy picture until the noise is well below the ink (a Gaussian of σ px divides white
        //    noise by about 2σ√π); a clean one is left as it is.
        double noise = InkOperations.NoiseLevel(ink, width, height);
        if (noise > NoiseTolerance)
        {
            double sigma = Math.Clamp(noise / (NoiseTolerance * 2 * Math.Sqrt(Math.PI)), 0.7, Math.Max(0.7, Math.Max(width, height) / 40.0));
            ink = InkOperations.GaussianBlur(ink, width, height, sigma);
        }

        // 4. Contrast: background (the border) to 0, the ink's typical brightness (the 95th percentile of what
        //    Otsu's threshold calls ink) to 1; faint remains of noise, paper texture and JPEG blocks to 0.
        //    Otsu splits the two largest groups of values; when the ink is a small part of a noisy page, those are
        //    the paper's noise, and the level above the threshold is the noise's. Then the contrast is measured where
        //    the ink is: over the pixels that stand out from the background by at least the minimum contrast.
        float background = BorderMedian(ink, width, height);
        float inkLevel = InkLevel(ink, InkOperations.OtsuThreshold(ink));
        if (inkLevel - background < MinimumContrast) inkLevel = Math.Max(inkLevel, InkLevelWhereItStandsOut(ink, background));
        if (inkLevel - background < MinimumContrast)
            throw new ArgumentException($"The {Width}x{Height} image looks blank: its ink differs from the background by {Math.Max(0, inkLevel - background):0.00} of full brightness (at least {MinimumContrast} needed).");
        for (int i = 0; i < ink.Length; i++)
        {
            float v = (ink[i] - background) / (inkLevel - background);
            ink[i] = v < NoiseFloor ? 0f : MathF.Min(v, 1f);
        }

        // 5. Crop to the digit: the box of the pieces of ink, leaving out specks far smaller than the largest piece.
        (int left, int top, int right, int bottom) = InkOperations.InkBox(ink, width, height, InkThreshold, SpeckFraction)!.Value;
        int boxWidth = right - left + 1, boxHeight = bottom - top + 1;
        float[] digit = InkOperations.Crop(ink, width, left, top, boxWidth, boxHeight);

        // 6. Deskew: shear the rows so the ink's main axis is vertical (clamped: a 45° lean is a different digit).
        double skew = deskew ? Math.Clamp(InkOperations.Skew(digit, boxWidth, boxHeight), -MaxSkew, MaxSkew) : 0;
        if (Math.Abs(skew) <= 0.02) skew = 0; // upright enough: resampling would only blur it
        else
        {
            (float[] sheared, int shearedWidth) = InkOperations.Shear(digit, boxWidth, boxHeight, skew);
            (digit, boxWidth, boxHeight) = CropToInk(sheared, shearedWidth, boxHeight);
        }

        // 7. Stroke width: at a fixed working size, thicken hairlines and thin marker strokes towards MNIST's width.
        double strokeWidth = StrokeWidthOf(digit, boxWidth, boxHeight);
        if (normalizeStrokes && strokeWidth is > 0 and (< ThinStroke or > ThickStroke))
            (digit, boxWidth, boxHeight) = NormalizeStrokes(digit, boxWidth, boxHeight, strokeWidth);

        // 8. Scale the longer side to 20 px, keeping the aspect ratio.
        double scale = (double)MnistInkSide / Math.Max(boxWidth, boxHeight);
        int scaledWidth = Math.Clamp((int)Math.Round(boxWidth * scale), 1, MnistInkSide);
        int scaledHeight = Math.Clamp((int)Math.Round(boxHeight * scale), 1, MnistInkSide);
        float[] scaled = Resample(digit, boxWidth, boxHeight, scaledWidth, scaledHeight);
        float scaledMax = scaled.Max();
        if (scaledMax > 0) for (int i = 0; i < scaled.Length; i++) scaled[i] /= scaledMax; // thin strokes shrunk to grey: strongest back to 1

        // 9. Paste into 28x28 so that the centre of mass lands on pixel (14, 14), as in MNIST, to the nearest pixel.
        (double massRow, double massColumn) = new DigitImage(scaledWidth, scaledHeight, scaled).CenterOfMass()!.Value;
        int shiftRow = (int)Math.Round(MnistCenter - massRow);
        int shiftColumn = (int)Math.Round(MnistCenter - massColumn);
        float[] result = new float[MnistSide * MnistSide];
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
        return new PreparedDigit(new DigitImage(MnistSide, MnistSide, result), inverted,
            (int)(left * reduction), (int)(top * reduction), (int)Math.Round((right - left + 1) * reduction), (int)Math.Round((bottom - top + 1) * reduction),
            scale / reduction, shiftColumn, shiftRow)
        {
            Smoothed = noise > NoiseTolerance,
            Skew = skew,
            StrokeWidth = strokeWidth,
        };
    }

    /// <summary>
    /// The slant of the ink, from its second moments: columns moved per row down, μ₁₁/μ₀₂. About 0 for an upright
    /// digit; negative when it leans right. <see cref="PrepareLikeMnist"/> shears it to 0 when deskewing.
    /// </summary>
    public double Skew() => InkOperations.Skew(Pixels, Width, Height);

    /// <summary>
    /// The mean stroke width of the ink (pixels of at least 0.5 — light ink on black, as after <see cref="ToMnist"/>)
    /// as a fraction of the longer side of its bounding box. MNIST digits measure 0.125 at the median (0.074 to 0.217 from
    /// the 2nd to the 98th percentile).
    /// </summary>
    public double StrokeWidth()
    {
        if (InkOperations.InkBox(Pixels, Width, Height, InkThreshold, 0) is not { } box) return 0;
        (int left, int top, int right, int bottom) = box;
        float[] digit = InkOperations.Crop(Pixels, Width, left, top, right - left + 1, bottom - top + 1);
        return StrokeWidthOf(digit, right - left + 1, bottom - top + 1);
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

    // Fewer pixels than this standing out from the background are noise spikes or dust, not a digit (a digit
    // written 10 px high with a 1-px pen has about 25).
    private const int MinimumInkPixels = 12;

    // After stretching, values below this are background noise.
    private const float NoiseFloor = 0.1f;

    // A pixel belongs to the digit's bounding box from this (stretched) brightness up.
    private const float InkThreshold = 0.2f;

    // Pieces of ink smaller than this fraction of the largest are specks, not part of the digit.
    private const double SpeckFraction = 0.08;

    // Pictures are processed at most this many pixels wide or high.
    private const int WorkingSide = 400;

    // Pixel noise (standard deviation, in full brightness) that needs no smoothing.
    private const double NoiseTolerance = 0.02;

    // The strongest slant deskewing corrects: columns per row (0.6 ≈ 31°).
    private const double MaxSkew = 0.6;

    // Strokes are measured and reshaped with the digit's longer side at this many pixels.
    private const int StrokeSide = 80;

    // MNIST's strokes measure 0.125 of the longer side at the median, 0.074 to 0.217 from the 2nd to the 98th percentile
    // (1,500 test digits, see StrokeWidth). Outside this band they are reshaped to TargetStroke; inside it they are left
    // alone, so MNIST-like pictures are not changed.
    private const double ThinStroke = 0.07, ThickStroke = 0.24, TargetStroke = 0.13;

    private static float BorderMedian(float[] pixels, int width, int height)
    {
        var border = new List<float>(2 * (width + height));
        for (int c = 0; c < width; c++)
        {
            border.Add(pixels[c]);
            if (height > 1) border.Add(pixels[(height - 1) * width + c]);
        }
        for (int r = 1; r < height - 1; r++)
        {
            border.Add(pixels[r * width]);
            if (width > 1) border.Add(pixels[r * width + width - 1]);
        }
        border.Sort();
        return border[border.Count / 2];
    }

    // The brightness of the ink: the 95th percentile of the pixels above the threshold (the maximum would be a noise spike).
    private static float InkLevel(float[] ink, float threshold)
    {
        float[] above = ink.Where(v => v > threshold).ToArray();
        if (above.Length == 0) return ink.Max(); // one grey level throughout: no ink
        Array.Sort(above);
        return above[(int)(0.95 * (above.Length - 1))];
    }

    // The ink's brightness measured over the pixels brighter than the background by at least MinimumContrast, if
    // there are enough of them to be a mark rather than a few noise spikes; else the background itself (blank).
    private static float InkLevelWhereItStandsOut(float[] ink, float background)
    {
        float[] standingOut = ink.Where(v => v >= background + MinimumContrast).ToArray();
        if (standingOut.Length < MinimumInkPixels) return background;
        Array.Sort(standingOut);
        return standingOut[(int)(0.95 * (standingOut.Length - 1))];
    }

    private static (float[] Image, int Width, int Height) CropToInk(float[] image, int width, int height)
    {
        if (InkOperations.InkBox(image, width, height, InkThreshold, 0) is not { } box) return (image, width, height);
        (int left, int top, int right, int bottom) = box;
        return (InkOperations.Crop(image, width, left, top, right - left + 1, bottom - top + 1), right - left + 1, bottom - top + 1);
    }

    // Stroke width as a fraction of the longer side, measured with that side at StrokeSide pixels.
    private static double StrokeWidthOf(float[] digit, int width, int height)
    {
        (int w, int h, float[]? image) = AtStrokeSide(digit, width, height);
        return InkOperations.StrokeWidth(image, w, h) / StrokeSide;
    }

    private static (int Width, int Height, float[] Image) AtStrokeSide(float[] digit, int width, int height)
    {
        double factor = (double)StrokeSide / Math.Max(width, height);
        int w = Math.Max(1, (int)Math.Round(width * factor)), h = Math.Max(1, (int)Math.Round(height * factor));
        return (w, h, Resample(digit, width, height, w, h));
    }

    // Dilates (thin strokes) or erodes (thick ones) the digit at StrokeSide so its strokes measure about TargetStroke.
    private static (float[] Image, int Width, int Height) NormalizeStrokes(float[] digit, int width, int height, double strokeWidth)
    {
        (int w, int h, float[]? image) = AtStrokeSide(digit, width, height);
        double radius = (TargetStroke - strokeWidth) * StrokeSide / 2;
        int margin = (int)Math.Ceiling(Math.Abs(radius)) + 1;
        float[] padded = InkOperations.Crop(image, w, 0, 0, w, h, margin);
        float[] reshaped = InkOperations.Morph(padded, w + 2 * margin, h + 2 * margin, radius);
        (float[] Image, int Width, int Height) result = CropToInk(reshaped, w + 2 * margin, h + 2 * margin);
        return result.Image.Any(v => v >= 0.5f) ? result : (digit, width, height); // eroded away: keep the original
    }

    /// <summary>
    /// Resizes separably: shrinking averages the source area each target pixel covers (so thin strokes turn
    /// grey rather than vanish, like the anti-aliasing MNIST was made with); enlarging interpolates linearly.
    /// </summary>
    internal static float[] Resample(float[] source, int width, int height, int newWidth, int newHeight)
    {
        float[] horizontal = new float[newWidth * height];
        (int Index, float Weight)[][] columnWeights = Weights(width, newWidth);
        for (int r = 0; r < height; r++)
            for (int c = 0; c < newWidth; c++)
            {
                float sum = 0;
                foreach ((int index, float weight) in columnWeights[c]) sum += source[r * width + index] * weight;
                horizontal[r * newWidth + c] = sum;
            }
        float[] result = new float[newWidth * newHeight];
        (int Index, float Weight)[][] rowWeights = Weights(height, newHeight);
        for (int r = 0; r < newHeight; r++)
            foreach ((int index, float weight) in rowWeights[r])
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
    double Scale, int ShiftX, int ShiftY)
{
    /// <summary>Whether the picture was noisy enough to be smoothed first.</summary>
    public bool Smoothed { get; init; }

    /// <summary>The slant that was sheared away (columns per row; 0 when not deskewed).</summary>
    public double Skew { get; init; }

    /// <summary>The stroke width measured before any reshaping, as a fraction of the digit's longer side.</summary>
    public double StrokeWidth { get; init; }
}

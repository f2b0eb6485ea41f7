using System.Globalization;
using StbImageWriteSharp;

namespace NeuralNet.RealisticDigits;

/// <summary>One image of the set: its file, the digit it shows, how it was made and what was varied.</summary>
public sealed record DigitSample(string File, int Label, string Source, string Variation);

/// <summary>
/// Generates the realistic-digit test set: <see cref="PerVariation"/> images for each of the
/// <see cref="Variations"/>, a third drawn as strokes and two thirds rendered from handwriting fonts,
/// every random choice drawn from one seeded generator so the same seed gives the same files.
/// Every image also gets the small imperfections of a real picture: a slight tilt, paper that is not
/// quite white, uneven lighting and a little blur. Digits are 40–110 px tall (10–28 in the small group).
/// </summary>
public static class DigitSet
{
    /// <summary>What each group of images varies, one thing at a time, so the accuracy per group says what hurts.</summary>
    public static readonly string[] Variations =
        ["clean", "light-on-dark", "rotated-5-10", "rotated-10-15", "blur", "noise", "jpeg", "off-centre", "thick", "thin", "small"];

    /// <summary>Images per variation: three of each digit.</summary>
    public const int PerVariation = 30;

    /// <summary>The manifest's file name in the set folder.</summary>
    public const string ManifestName = "labels.csv";

    /// <summary>Writes every image and the manifest into <paramref name="folder"/>; returns the samples.</summary>
    public static IReadOnlyList<DigitSample> Generate(string folder, int seed = 2026)
    {
        FontGlyphs.CheckInstalled();
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        var samples = new List<DigitSample>();
        int fontIndex = 0;
        foreach (string variation in Variations)
            for (int i = 0; i < PerVariation; i++)
            {
                int digit = i % 10;
                bool drawn = i / 10 == 1;
                string font = FontGlyphs.Files[fontIndex++ % FontGlyphs.Files.Length];
                string source = drawn ? "strokes" : Path.GetFileNameWithoutExtension(font);
                string name = $"{variation}-{i:D2}-{digit}.{(variation == "jpeg" ? "jpg" : "png")}";
                Make(Path.Combine(folder, name), digit, drawn, font, variation, random);
                samples.Add(new DigitSample(name, digit, source, variation));
            }
        File.WriteAllLines(Path.Combine(folder, ManifestName),
            ["file,label,source,variation", .. samples.Select(s => $"{s.File},{s.Label},{s.Source},{s.Variation}")]);
        return samples;
    }

    /// <summary>Reads the manifest of a generated set.</summary>
    public static IReadOnlyList<DigitSample> Read(string folder) =>
        File.ReadLines(Path.Combine(folder, ManifestName)).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => new DigitSample(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), f[2], f[3]))
            .ToList();

    private static double Between(this Random random, double low, double high) => low + random.NextDouble() * (high - low);

    private static void Make(string path, int digit, bool drawn, string font, string variation, Random random)
    {
        // 1. The glyph as an ink mask, ~160 px tall, with its stroke width set by the variation.
        double relativeStroke = variation switch { "thick" => random.Between(0.17, 0.24), "thin" => random.Between(0.025, 0.04), _ => random.Between(0.07, 0.12) };
        InkImage glyph = drawn
            ? StrokeGlyphs.Draw(digit, random, 160, relativeStroke * 160)
            : FontGlyphs.Render(font, digit);
        if (!drawn && variation is "thick" or "thin")
        {
            (int _, int top, int _, int bottom) = glyph.InkBox();
            double target = relativeStroke * (bottom - top + 1), current = glyph.StrokeWidth();
            double radius = (target - current) / 2;
            if (variation == "thin") radius = Math.Max(radius, -0.4 * current); // erode no more than would break the strokes
            if (Math.Abs(radius) >= 0.5) glyph = glyph.Morph(radius).Trim(4);
        }

        // 2. Tilt: a little for every picture, more for the rotation groups.
        double degrees = variation switch
        {
            "rotated-5-10" => random.Between(5, 10),
            "rotated-10-15" => random.Between(10, 15),
            _ => random.Between(0, 3),
        } * (random.Next(2) == 0 ? -1 : 1);
        glyph = glyph.Rotate(degrees);

        // 3. Size and place on the picture: digit height, then a canvas around it.
        (int l, int t, int r, int b) = glyph.InkBox();
        double inkHeight = b - t + 1;
        double height = variation == "small" ? random.Between(10, 28) : random.Between(40, 110);
        double scale = height / inkHeight;
        glyph = glyph.Resize(Math.Max(1, (int)Math.Round(glyph.Width * scale)), Math.Max(1, (int)Math.Round(glyph.Height * scale)));
        bool offCentre = variation == "off-centre";
        int canvasWidth = (int)Math.Round(Math.Max(glyph.Width, height) * (offCentre ? random.Between(2.2, 3.0) : random.Between(1.3, 1.8)));
        int canvasHeight = (int)Math.Round(glyph.Height * (offCentre ? random.Between(1.8, 2.5) : random.Between(1.3, 1.8)));
        int marginX = Math.Max(1, canvasWidth / 20), marginY = Math.Max(1, canvasHeight / 20);
        int left = offCentre
            ? (random.Next(2) == 0 ? marginX : canvasWidth - glyph.Width - marginX)
            : (canvasWidth - glyph.Width) / 2 + random.Next(-marginX, marginX + 1);
        int topEdge = offCentre
            ? (random.Next(2) == 0 ? marginY : canvasHeight - glyph.Height - marginY)
            : (canvasHeight - glyph.Height) / 2 + random.Next(-marginY, marginY + 1);
        InkImage ink = glyph.PlaceOn(canvasWidth, canvasHeight, Math.Max(0, left), Math.Max(0, topEdge));

        // 4. Paper and ink: polarity, uneven lighting, blur, noise.
        bool lightOnDark = variation == "light-on-dark";
        double paper = lightOnDark ? random.Between(0.0, 0.25) : random.Between(0.78, 1.0);
        double pen = lightOnDark ? random.Between(0.75, 1.0) : random.Between(0.0, 0.3);
        double lightX = random.Between(-0.08, 0.08), lightY = random.Between(-0.08, 0.08);
        double blur = variation == "blur" ? random.Between(0.035, 0.06) * height : random.Between(0.0, 0.5);
        float[] grey = Blur(ink, blur);
        double noise = variation == "noise" ? random.Between(0.12, 0.22) : 0; // (noise elsewhere would only bloat the PNGs)
        byte[] pixels = new byte[canvasWidth * canvasHeight];
        for (int y = 0; y < canvasHeight; y++)
            for (int x = 0; x < canvasWidth; x++)
            {
                double background = paper + lightX * (x / (double)canvasWidth - 0.5) + lightY * (y / (double)canvasHeight - 0.5);
                double value = background + (pen - background) * grey[y * canvasWidth + x] + noise * Gaussian(random);
                pixels[y * canvasWidth + x] = (byte)Math.Round(Math.Clamp(value, 0, 1) * 255);
            }

        // 5. The file: PNG, or a low-quality JPEG for the artefacts.
        using FileStream stream = File.Create(path);
        var writer = new ImageWriter();
        if (variation == "jpeg") writer.WriteJpg(pixels, canvasWidth, canvasHeight, ColorComponents.Grey, stream, random.Next(8, 21));
        else writer.WritePng(pixels, canvasWidth, canvasHeight, ColorComponents.Grey, stream);
    }

    // A separable Gaussian blur of the ink mask (sigma in pixels; below 0.3 it is left as is).
    private static float[] Blur(InkImage ink, double sigma)
    {
        if (sigma < 0.3) return (float[])ink.Ink.Clone();
        int radius = (int)Math.Ceiling(3 * sigma);
        double[] kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-i * i / (2 * sigma * sigma))).ToArray();
        double total = kernel.Sum();
        int w = ink.Width, h = ink.Height;
        float[] horizontal = new float[w * h];
        float[] result = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * ink[x + k, y];
                horizontal[y * w + x] = (float)(sum / total);
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int k = -radius; k <= radius; k++)
                    if ((uint)(y + k) < (uint)h) sum += kernel[k + radius] * horizontal[(y + k) * w + x];
                result[y * w + x] = (float)(sum / total);
            }
        return result;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

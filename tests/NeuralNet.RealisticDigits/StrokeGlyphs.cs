namespace NeuralNet.RealisticDigits;

/// <summary>
/// Digits drawn as pen strokes: each digit is a few polylines in a unit box (x right, y down), bent by a
/// random slant, width and per-point wobble, then rasterised with a round pen of the given thickness —
/// the way a finger or a marker draws them.
/// </summary>
public static class StrokeGlyphs
{
    /// <summary>Draws <paramref name="digit"/> about <paramref name="height"/> px tall with a pen <paramref name="thickness"/> px wide.</summary>
    public static InkImage Draw(int digit, Random random, double height, double thickness)
    {
        List<(double X, double Y)[]> strokes = Strokes(digit, random);
        double slant = (random.NextDouble() * 2 - 1) * 0.2, widthScale = 0.8 + random.NextDouble() * 0.4, wobble = 0.02;
        var placed = strokes.Select(s => s.Select(p =>
        {
            double x = p.X + (random.NextDouble() * 2 - 1) * wobble, y = p.Y + (random.NextDouble() * 2 - 1) * wobble;
            x = (x - 0.5) * widthScale + 0.5 + slant * (0.5 - y); // shear: the top leans right for slant > 0
            return (X: x * height + thickness + height * 0.3, Y: y * height + thickness);
        }).ToArray()).ToList();
        int size = (int)Math.Ceiling(height * 1.6 + 2 * thickness) + 2;
        var image = new InkImage(size, (int)Math.Ceiling(height + 2 * thickness) + 2);
        foreach ((double X, double Y)[]? stroke in placed)
            for (int i = 0; i + 1 < stroke.Length; i++) Segment(image, stroke[i], stroke[i + 1], thickness);
        return image.Trim(4);
    }

    // A round pen along one segment: full ink within thickness/2 of it, anti-aliased over one pixel.
    private static void Segment(InkImage image, (double X, double Y) a, (double X, double Y) b, double thickness)
    {
        double r = thickness / 2;
        int x0 = (int)Math.Floor(Math.Min(a.X, b.X) - r - 1), x1 = (int)Math.Ceiling(Math.Max(a.X, b.X) + r + 1);
        int y0 = (int)Math.Floor(Math.Min(a.Y, b.Y) - r - 1), y1 = (int)Math.Ceiling(Math.Max(a.Y, b.Y) + r + 1);
        double dx = b.X - a.X, dy = b.Y - a.Y, length2 = dx * dx + dy * dy;
        for (int y = Math.Max(0, y0); y <= Math.Min(image.Height - 1, y1); y++)
            for (int x = Math.Max(0, x0); x <= Math.Min(image.Width - 1, x1); x++)
            {
                double t = length2 == 0 ? 0 : Math.Clamp(((x - a.X) * dx + (y - a.Y) * dy) / length2, 0, 1);
                double ex = a.X + t * dx - x, ey = a.Y + t * dy - y;
                float ink = (float)Math.Clamp(r + 0.5 - Math.Sqrt(ex * ex + ey * ey), 0, 1);
                if (ink > image[x, y]) image[x, y] = ink;
            }
    }

    private static (double, double)[] Arc(double cx, double cy, double rx, double ry, double fromDegrees, double toDegrees, int points = 24) =>
        Enumerable.Range(0, points + 1).Select(i =>
        {
            double a = (fromDegrees + (toDegrees - fromDegrees) * i / points) * Math.PI / 180;
            return (cx + rx * Math.Cos(a), cy - ry * Math.Sin(a)); // angles counter-clockwise from 3 o'clock, y down
        }).ToArray();

    private static (double, double)[] Line(params (double, double)[] points) => points;

    private static List<(double X, double Y)[]> Strokes(int digit, Random random) => digit switch
    {
        0 => [Arc(0.5, 0.5, 0.3, 0.46, 95, 95 + 370)],
        1 => random.Next(2) == 0
            ? [Line((0.52, 0.02), (0.5, 0.98))]
            : [Line((0.3, 0.22), (0.55, 0.02), (0.52, 0.98))],
        2 => [[.. Arc(0.5, 0.28, 0.28, 0.25, 160, -30), .. Line((0.2, 0.97), (0.82, 0.97))]],
        3 => [[.. Arc(0.48, 0.26, 0.27, 0.23, 150, -90), .. Arc(0.48, 0.72, 0.3, 0.25, 90, -140)]],
        4 => random.Next(2) == 0
            ? [Line((0.66, 0.98), (0.66, 0.02), (0.15, 0.66), (0.88, 0.66))]
            : [Line((0.25, 0.02), (0.18, 0.62), (0.85, 0.62)), Line((0.68, 0.3), (0.68, 0.98))],
        5 => [[.. Line((0.8, 0.03), (0.3, 0.03), (0.26, 0.46)), .. Arc(0.48, 0.68, 0.3, 0.28, 140, -150)]],
        6 => [[.. Arc(0.75, 0.62, 0.5, 0.6, 110, 180), .. Arc(0.5, 0.7, 0.26, 0.27, 180, 540)]],
        7 => random.Next(2) == 0
            ? [Line((0.15, 0.03), (0.85, 0.03), (0.38, 0.98))]
            : [Line((0.15, 0.03), (0.85, 0.03), (0.38, 0.98)), Line((0.38, 0.5), (0.75, 0.5))],
        8 => [[.. Arc(0.5, 0.26, 0.22, 0.23, 270, 270 + 360), .. Arc(0.5, 0.73, 0.27, 0.25, 90, 90 - 360)]],
        9 => [[.. Arc(0.48, 0.3, 0.26, 0.27, 0, 360), .. Line((0.74, 0.3), (0.66, 0.98))]],
        _ => throw new ArgumentOutOfRangeException(nameof(digit)),
    };
}

namespace NeuralNet.Data;

/// <summary>
/// Ten digits drawn from strokes, as a person would write them on paper: dark ink on a light page. Chapter 5
/// uses them to try the network on images that are not MNIST's. Each digit is a set of polylines in the unit
/// square (x to the right, y down).
/// </summary>
public static class DrawnDigits
{
    /// <summary>The points of an elliptic arc around (cx, cy) with radii rx, ry, from angle <paramref name="from"/> to <paramref name="to"/> (degrees, clockwise on screen).</summary>
    public static (double X, double Y)[] Arc(double cx, double cy, double rx, double ry, double from, double to, int n = 24) =>
        Enumerable.Range(0, n + 1).Select(i => from + (to - from) * i / n)
            .Select(a => (cx + rx * Math.Cos(a * Math.PI / 180), cy + ry * Math.Sin(a * Math.PI / 180))).ToArray();

    /// <summary>The strokes of the digits 0–9: one or more polylines each.</summary>
    public static IReadOnlyDictionary<int, (double X, double Y)[][]> Strokes { get; } = new Dictionary<int, (double X, double Y)[][]>
    {
        [0] = [Arc(0.5, 0.5, 0.22, 0.36, 0, 360)],
        [1] = [[(0.38, 0.28), (0.56, 0.12), (0.56, 0.88)]],
        [2] = [[.. Arc(0.5, 0.33, 0.2, 0.19, 190, 380), (0.28, 0.86), (0.76, 0.86)]],
        [3] = [Arc(0.48, 0.3, 0.19, 0.17, 200, 450), Arc(0.48, 0.66, 0.22, 0.2, 270, 520)],
        [4] = [[(0.62, 0.88), (0.62, 0.12), (0.24, 0.62), (0.8, 0.62)]],
        [5] = [[(0.72, 0.14), (0.36, 0.14), (0.32, 0.46), .. Arc(0.5, 0.64, 0.21, 0.21, 230, 500)]],
        [6] = [[(0.66, 0.14), (0.44, 0.32), (0.33, 0.58), .. Arc(0.5, 0.68, 0.18, 0.18, 180, 540)]],
        [7] = [[(0.24, 0.15), (0.76, 0.15), (0.42, 0.88)]],
        [8] = [Arc(0.5, 0.3, 0.16, 0.16, 0, 360), Arc(0.5, 0.68, 0.2, 0.2, 0, 360)],
        [9] = [Arc(0.5, 0.33, 0.18, 0.18, 0, 360), [(0.68, 0.33), (0.62, 0.88)]],
    };

    /// <summary>
    /// Draws polylines with a round pen of the given <paramref name="thickness"/> (a share of the side) on a
    /// side x side page: 0.95 (white paper) away from the ink, 0.10 on it, with a soft edge.
    /// </summary>
    public static DigitImage Draw(IReadOnlyList<(double X, double Y)[]> lines, int side = 200, double thickness = 0.055)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 8);
        float[] paper = new float[side * side];
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
            {
                double px = (c + 0.5) / side, py = (r + 0.5) / side;
                double ink = Math.Clamp((thickness - DistanceToInk(lines, px, py)) / 0.01, 0, 1);   // soft pen edge
                paper[r * side + c] = (float)(0.95 - 0.85 * ink);                                  // white paper, dark ink
            }
        return new DigitImage(side, side, paper);
    }

    /// <summary>The distance from (px, py) to the nearest point of any segment of the polylines.</summary>
    private static double DistanceToInk(IReadOnlyList<(double X, double Y)[]> lines, double px, double py)
    {
        double nearest = double.MaxValue;
        foreach ((double X, double Y)[] line in lines)
            for (int s = 0; s + 1 < line.Length; s++)
            {
                (double ax, double ay) = line[s];
                (double bx, double by) = line[s + 1];
                double dx = bx - ax, dy = by - ay, length2 = dx * dx + dy * dy;
                // u: where the closest point of the segment lies, 0 at a and 1 at b
                double u = length2 == 0 ? 0 : Math.Clamp(((px - ax) * dx + (py - ay) * dy) / length2, 0, 1);
                double ex = px - ax - u * dx, ey = py - ay - u * dy;
                nearest = Math.Min(nearest, Math.Sqrt(ex * ex + ey * ey));
            }
        return nearest;
    }
}

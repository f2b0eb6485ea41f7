namespace NeuralNet.RealisticDigits;

/// <summary>
/// An ink mask: <see cref="Width"/> x <see cref="Height"/> values in [0, 1], 1 where the pen left ink.
/// The generator shapes a digit as a mask (rotate, thicken, thin, blur, resize) and only at the end turns
/// it into paper and ink colours.
/// </summary>
public sealed class InkImage(int width, int height, float[]? ink = null)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public float[] Ink { get; } = ink ?? new float[width * height];

    public float this[int x, int y]
    {
        get => (uint)x < (uint)Width && (uint)y < (uint)Height ? Ink[y * Width + x] : 0f;
        set => Ink[y * Width + x] = value;
    }

    /// <summary>Bilinear sample at a fractional position (0 outside).</summary>
    public float Sample(double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        return (1 - fy) * ((1 - fx) * this[x0, y0] + fx * this[x0 + 1, y0]) + fy * ((1 - fx) * this[x0, y0 + 1] + fx * this[x0 + 1, y0 + 1]);
    }

    /// <summary>The bounding box of pixels at or above <paramref name="threshold"/>.</summary>
    public (int Left, int Top, int Right, int Bottom) InkBox(float threshold = 0.3f)
    {
        int left = Width, top = Height, right = -1, bottom = -1;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                if (Ink[y * Width + x] >= threshold)
                {
                    left = Math.Min(left, x); right = Math.Max(right, x);
                    top = Math.Min(top, y); bottom = Math.Max(bottom, y);
                }
        if (right < 0) throw new InvalidOperationException("The glyph has no ink.");
        return (left, top, right, bottom);
    }

    /// <summary>Cropped to the ink, with <paramref name="margin"/> blank pixels on each side.</summary>
    public InkImage Trim(int margin)
    {
        (int left, int top, int right, int bottom) = InkBox(0.05f);
        var result = new InkImage(right - left + 1 + 2 * margin, bottom - top + 1 + 2 * margin);
        for (int y = top; y <= bottom; y++)
            for (int x = left; x <= right; x++)
                result[x - left + margin, y - top + margin] = this[x, y];
        return result;
    }

    /// <summary>Rotated by <paramref name="degrees"/> (counter-clockwise on screen) about the centre, on a canvas large enough to hold it.</summary>
    public InkImage Rotate(double degrees)
    {
        double angle = degrees * Math.PI / 180, cos = Math.Cos(angle), sin = Math.Sin(angle);
        int side = (int)Math.Ceiling(Math.Sqrt(Width * Width + Height * Height)) + 2;
        var result = new InkImage(side, side);
        double cx = (Width - 1) / 2.0, cy = (Height - 1) / 2.0, c2 = (side - 1) / 2.0;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                double dx = x - c2, dy = y - c2;
                result[x, y] = Sample(dx * cos - dy * sin + cx, dx * sin + dy * cos + cy);
            }
        return result.Trim(2);
    }

    /// <summary>Grey dilation (radius &gt; 0: thicker strokes) or erosion (radius &lt; 0: thinner) by a disc.</summary>
    public InkImage Morph(double radius)
    {
        int r = (int)Math.Ceiling(Math.Abs(radius));
        var offsets = new List<(int, int)>();
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
                if (dx * dx + dy * dy <= radius * radius) offsets.Add((dx, dy));
        bool grow = radius > 0;
        int pad = grow ? r : 0;
        var result = new InkImage(Width + 2 * pad, Height + 2 * pad);
        for (int y = 0; y < result.Height; y++)
            for (int x = 0; x < result.Width; x++)
            {
                float value = grow ? 0f : 1f;
                foreach ((int dx, int dy) in offsets)
                {
                    float v = this[x - pad + dx, y - pad + dy];
                    value = grow ? Math.Max(value, v) : Math.Min(value, v);
                }
                result[x, y] = value;
            }
        return result;
    }

    /// <summary>Resized to <paramref name="newWidth"/> x <paramref name="newHeight"/>, averaging 4x4 samples per target pixel.</summary>
    public InkImage Resize(int newWidth, int newHeight)
    {
        var result = new InkImage(newWidth, newHeight);
        double sx = (double)Width / newWidth, sy = (double)Height / newHeight;
        const int n = 4;
        for (int y = 0; y < newHeight; y++)
            for (int x = 0; x < newWidth; x++)
            {
                float sum = 0;
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++)
                        sum += Sample((x + (i + 0.5) / n) * sx - 0.5, (y + (j + 0.5) / n) * sy - 0.5);
                result[x, y] = sum / (n * n);
            }
        return result;
    }

    /// <summary>Placed at (<paramref name="left"/>, <paramref name="top"/>) on a blank canvas.</summary>
    public InkImage PlaceOn(int canvasWidth, int canvasHeight, int left, int top)
    {
        var result = new InkImage(canvasWidth, canvasHeight);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                if ((uint)(x + left) < (uint)canvasWidth && (uint)(y + top) < (uint)canvasHeight)
                    result[x + left, y + top] = this[x, y];
        return result;
    }

    /// <summary>Average stroke width in pixels, estimated as ink area over half the outline length.</summary>
    public double StrokeWidth()
    {
        double area = 0, outline = 0;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                if (this[x, y] < 0.5f) continue;
                area++;
                if (this[x - 1, y] < 0.5f || this[x + 1, y] < 0.5f || this[x, y - 1] < 0.5f || this[x, y + 1] < 0.5f) outline++;
            }
        return outline == 0 ? 0 : area / (outline / 2);
    }
}

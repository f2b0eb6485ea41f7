namespace NeuralNet.Data;

/// <summary>
/// The image operations behind <see cref="DigitImage.PrepareLikeMnist"/>, on plain arrays of ink values
/// (row by row, 0 background .. 1 ink): noise estimate and smoothing, Otsu's threshold, the bounding box of the
/// digit without specks of noise, deskewing by moments, and stroke width measured and changed.
/// </summary>
internal static class InkOperations
{
    /// <summary>
    /// The standard deviation of pixel noise, estimated robustly from differences of horizontal neighbours:
    /// most neighbours are both background (or both ink), so the median absolute difference is noise, not edges.
    /// </summary>
    public static double NoiseLevel(float[] image, int width, int height)
    {
        if (width < 2) return 0;
        float[] differences = new float[(width - 1) * height];
        int n = 0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c + 1 < width; c++)
                differences[n++] = MathF.Abs(image[r * width + c + 1] - image[r * width + c]);
        Array.Sort(differences);
        // For Gaussian noise σ, the difference of two pixels has σ·√2, and its median absolute value is 0.6745·σ·√2.
        return differences[n / 2] / (0.6745 * Math.Sqrt(2));
    }

    /// <summary>A separable Gaussian blur with standard deviation <paramref name="sigma"/> pixels (edges repeat the border).</summary>
    public static float[] GaussianBlur(float[] image, int width, int height, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        float[] kernel = new float[2 * radius + 1];
        double total = 0;
        for (int i = -radius; i <= radius; i++) total += kernel[i + radius] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < kernel.Length; i++) kernel[i] /= (float)total;
        float[] horizontal = new float[image.Length];
        float[] result = new float[image.Length];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                float sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * image[r * width + Math.Clamp(c + k, 0, width - 1)];
                horizontal[r * width + c] = sum;
            }
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                float sum = 0;
                for (int k = -radius; k <= radius; k++) sum += kernel[k + radius] * horizontal[Math.Clamp(r + k, 0, height - 1) * width + c];
                result[r * width + c] = sum;
            }
        return result;
    }

    /// <summary>
    /// Otsu's threshold: the grey level that best separates the values into two classes (background and ink),
    /// i.e. maximises the variance between the classes, over a 256-bin histogram.
    /// </summary>
    public static float OtsuThreshold(float[] image)
    {
        const int bins = 256;
        long[] histogram = new long[bins];
        foreach (float v in image) histogram[Math.Clamp((int)(v * (bins - 1) + 0.5f), 0, bins - 1)]++;
        double total = image.Length, sumAll = 0;
        for (int i = 0; i < bins; i++) sumAll += i * (double)histogram[i];
        double weightBelow = 0, sumBelow = 0, best = -1;
        int bestIndex = bins / 2;
        for (int t = 0; t < bins - 1; t++)
        {
            weightBelow += histogram[t];
            sumBelow += t * (double)histogram[t];
            double weightAbove = total - weightBelow;
            if (weightBelow == 0 || weightAbove == 0) continue;
            double meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove;
            double between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) { best = between; bestIndex = t; }
        }
        return (bestIndex + 0.5f) / (bins - 1);
    }

    /// <summary>
    /// The bounding box of the pixels at or above <paramref name="threshold"/>, counting only connected pieces
    /// (8-neighbours) of at least <paramref name="minimumFraction"/> of the largest piece: specks of noise or dirt
    /// away from the digit do not stretch its box. Null if nothing reaches the threshold.
    /// </summary>
    public static (int Left, int Top, int Right, int Bottom)? InkBox(float[] image, int width, int height, float threshold, double minimumFraction)
    {
        int[] component = new int[image.Length]; // 0: not ink or not yet visited; k: piece number k
        var sizes = new List<int> { 0 };
        var boxes = new List<(int Left, int Top, int Right, int Bottom)> { default };
        var stack = new Stack<int>();
        for (int start = 0; start < image.Length; start++)
        {
            if (image[start] < threshold || component[start] != 0) continue;
            int id = sizes.Count, size = 0;
            (int Left, int Top, int Right, int Bottom) box = (Left: width, Top: height, Right: -1, Bottom: -1);
            component[start] = id;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop(), r = p / width, c = p % width;
                size++;
                box = (Math.Min(box.Left, c), Math.Min(box.Top, r), Math.Max(box.Right, c), Math.Max(box.Bottom, r));
                for (int dr = -1; dr <= 1; dr++)
                    for (int dc = -1; dc <= 1; dc++)
                    {
                        int nr = r + dr, nc = c + dc;
                        if ((uint)nr >= (uint)height || (uint)nc >= (uint)width) continue;
                        int q = nr * width + nc;
                        if (image[q] < threshold || component[q] != 0) continue;
                        component[q] = id;
                        stack.Push(q);
                    }
            }
            sizes.Add(size);
            boxes.Add(box);
        }
        if (sizes.Count == 1) return null;
        int largest = sizes.Max();
        (int Left, int Top, int Right, int Bottom) result = (Left: width, Top: height, Right: -1, Bottom: -1);
        for (int k = 1; k < sizes.Count; k++)
        {
            if (sizes[k] < minimumFraction * largest) continue;
            (int Left, int Top, int Right, int Bottom) b = boxes[k];
            result = (Math.Min(result.Left, b.Left), Math.Min(result.Top, b.Top), Math.Max(result.Right, b.Right), Math.Max(result.Bottom, b.Bottom));
        }
        return result;
    }

    /// <summary>
    /// The slant of the ink from its second moments: how far x moves per row, α = μ₁₁ / μ₀₂ (covariance of
    /// column and row over the variance of the row). An upright digit has α ≈ 0; one leaning right has α &lt; 0
    /// (rows grow downwards, so the top is at the right).
    /// </summary>
    public static double Skew(float[] image, int width, int height)
    {
        double mass = 0, meanRow = 0, meanColumn = 0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                double v = image[r * width + c];
                mass += v; meanRow += v * r; meanColumn += v * c;
            }
        if (mass == 0) return 0;
        meanRow /= mass; meanColumn /= mass;
        double mu11 = 0, mu02 = 0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                double v = image[r * width + c];
                mu11 += v * (r - meanRow) * (c - meanColumn);
                mu02 += v * (r - meanRow) * (r - meanRow);
            }
        return mu02 == 0 ? 0 : mu11 / mu02;
    }

    /// <summary>
    /// Shears the image horizontally so a slant of <paramref name="skew"/> becomes upright: the pixel at (row, x)
    /// moves to x − skew·(row − centre row). The canvas widens to keep all the ink; returns the new width.
    /// </summary>
    public static (float[] Image, int Width) Shear(float[] image, int width, int height, double skew)
    {
        double centreRow = (height - 1) / 2.0;
        int extra = (int)Math.Ceiling(Math.Abs(skew) * height / 2) + 1;
        int newWidth = width + 2 * extra;
        float[] result = new float[newWidth * height];
        for (int r = 0; r < height; r++)
        {
            double offset = skew * (r - centreRow) - extra; // output column x comes from source column x + offset
            for (int x = 0; x < newWidth; x++)
            {
                double source = x + offset;
                int c0 = (int)Math.Floor(source);
                float f = (float)(source - c0);
                float a = (uint)c0 < (uint)width ? image[r * width + c0] : 0f;
                float b = (uint)(c0 + 1) < (uint)width ? image[r * width + c0 + 1] : 0f;
                result[r * newWidth + x] = (1 - f) * a + f * b;
            }
        }
        return (result, newWidth);
    }

    /// <summary>
    /// Mean stroke width in pixels of the ink at or above 0.5: the ink area over half its outline (a stroke of
    /// length L and width w has area L·w and an outline of about 2·L). Meaningful for strokes a few pixels wide.
    /// </summary>
    public static double StrokeWidth(float[] image, int width, int height)
    {
        double area = 0, outline = 0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                if (image[r * width + c] < 0.5f) continue;
                area++;
                if (c == 0 || c == width - 1 || r == 0 || r == height - 1
                    || image[r * width + c - 1] < 0.5f || image[r * width + c + 1] < 0.5f
                    || image[(r - 1) * width + c] < 0.5f || image[(r + 1) * width + c] < 0.5f)
                    outline++;
            }
        return outline == 0 ? 0 : area / (outline / 2);
    }

    /// <summary>
    /// Grey-level dilation (radius &gt; 0: strokes grow by about radius on each side) or erosion (radius &lt; 0:
    /// they shrink) with a disc; the canvas keeps its size, so leave a margin of |radius| around the ink.
    /// </summary>
    public static float[] Morph(float[] image, int width, int height, double radius)
    {
        int reach = (int)Math.Ceiling(Math.Abs(radius));
        var disc = new List<(int Dr, int Dc)>();
        for (int dr = -reach; dr <= reach; dr++)
            for (int dc = -reach; dc <= reach; dc++)
                if (dr * dr + dc * dc <= radius * radius) disc.Add((dr, dc));
        bool grow = radius > 0;
        float[] result = new float[image.Length];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                float value = grow ? 0f : 1f;
                foreach ((int dr, int dc) in disc)
                {
                    int rr = r + dr, cc = c + dc;
                    float v = (uint)rr < (uint)height && (uint)cc < (uint)width ? image[rr * width + cc] : 0f;
                    value = grow ? MathF.Max(value, v) : MathF.Min(value, v);
                }
                result[r * width + c] = value;
            }
        return result;
    }

    /// <summary>The <paramref name="boxWidth"/> x <paramref name="boxHeight"/> part of the image at (left, top), with <paramref name="margin"/> zeros around it.</summary>
    public static float[] Crop(float[] image, int width, int left, int top, int boxWidth, int boxHeight, int margin = 0)
    {
        int w = boxWidth + 2 * margin;
        float[] result = new float[w * (boxHeight + 2 * margin)];
        for (int r = 0; r < boxHeight; r++)
            Array.Copy(image, (top + r) * width + left, result, (r + margin) * w + margin, boxWidth);
        return result;
    }
}

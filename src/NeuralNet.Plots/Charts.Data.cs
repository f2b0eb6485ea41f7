using Plotly.NET;

namespace NeuralNet.Plots;

public static partial class Charts
{
    /// <summary>
    /// How many examples each class has, as bars (one colour per set when several sets are given, e.g.
    /// train and test). Hovering shows the count and the share of the set.
    /// </summary>
    /// <param name="sets">Named label arrays, e.g. <c>[("train", trainLabels), ("test", testLabels)]</c>.</param>
    /// <param name="classCount">Number of classes (labels are 0 .. classCount - 1).</param>
    /// <param name="normalize">Plot shares (%) instead of counts, so sets of different sizes compare.</param>
    public static GenericChart ClassHistogram(
        IEnumerable<(string Name, IReadOnlyList<int> Labels)> sets, int classCount = 10,
        IReadOnlyList<string>? classNames = null, bool normalize = false, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        string[] names = ClassNames(classCount, classNames);
        var charts = new List<GenericChart>();
        int index = 0;
        foreach ((string? name, IReadOnlyList<int>? labels) in sets)
        {
            int[] counts = new int[classCount];
            foreach (int label in labels)
            {
                if (label < 0 || label >= classCount)
                {
                    throw new ArgumentException($"Set '{name}': expected labels in 0..{classCount - 1}, got {label}.", nameof(sets));
                }
                counts[label]++;
            }
            int total = Math.Max(1, labels.Count);
            double[] values = counts.Select(c => normalize ? 100.0 * c / total : c).ToArray();
            string[] hover = counts.Select((c, k) => $"{name}, class {names[k]}<br>{c} examples ({100.0 * c / total:F1}%)").ToArray();
            charts.Add(Plotly.NET.CSharp.Chart.Column<double, string, string>(
                    values: values, Keys: names, Name: name, MarkerColor: Color.fromString(Plot.ColorAt(index)), MultiText: hover)
                .WithTraceProperties(("hovertemplate", "%{text}<extra></extra>"), ("textposition", "none")));
            index++;
        }
        if (charts.Count == 0)
        {
            throw new ArgumentException("Expected at least one set of labels.", nameof(sets));
        }
        return Plotly.NET.CSharp.Chart.Combine(charts)
            .WithTitleText(title ?? "Examples per class")
            .WithXAxis("class", "category")
            .WithYAxis(normalize ? "share of the set (%)" : "examples")
            .WithLayout(("barmode", "group"));
    }

    /// <summary>How many examples each class has (one set of labels).</summary>
    public static GenericChart ClassHistogram(IReadOnlyList<int> labels, int classCount = 10,
        IReadOnlyList<string>? classNames = null, string name = "examples", string? title = null) =>
        ClassHistogram([(name, labels)], classCount, classNames, normalize: false, title);

    /// <summary>
    /// A histogram of pixel values. The bins are counted here, so millions of pixels make a small chart.
    /// A log y axis (the default) shows the rare middle greys next to the many background zeros.
    /// </summary>
    /// <param name="values">The pixel values (e.g. every pixel of the training set).</param>
    /// <param name="bins">Number of equal-width bins between <paramref name="min"/> and <paramref name="max"/>.</param>
    /// <param name="min">Lower edge of the first bin (default: the smallest value).</param>
    /// <param name="max">Upper edge of the last bin (default: the largest value).</param>
    /// <param name="logY">Log scale for the counts.</param>
    public static GenericChart PixelHistogram(ReadOnlySpan<float> values, int bins = 32, double? min = null, double? max = null,
        bool logY = true, string? title = null, string xTitle = "pixel value")
    {
        (double[]? edges, long[]? counts) = Histogram(values, bins, min, max);
        return HistogramChart(edges, counts, logY, title ?? $"Pixel values ({values.Length:N0} pixels)", xTitle);
    }

    /// <summary>A histogram of raw byte pixel values (0..255), counted here.</summary>
    public static GenericChart PixelHistogram(ReadOnlySpan<byte> values, int bins = 32, bool logY = true, string? title = null)
    {
        long[] counts = new long[bins];
        foreach (byte v in values)
        {
            counts[Math.Min(bins - 1, v * bins / 256)]++;
        }
        double[] edges = Enumerable.Range(0, bins + 1).Select(i => 256.0 * i / bins).ToArray();
        return HistogramChart(edges, counts, logY, title ?? $"Raw pixel bytes ({values.Length:N0} pixels)", "byte value (0 = background, 255 = ink)");
    }

    /// <summary>A histogram of pixel values (array overload, for scripts).</summary>
    public static GenericChart PixelHistogram(float[] values, int bins = 32, double? min = null, double? max = null,
        bool logY = true, string? title = null, string xTitle = "pixel value") =>
        PixelHistogram(values.AsSpan(), bins, min, max, logY, title, xTitle);

    /// <summary>Counts <paramref name="values"/> into equal-width bins; returns the bin edges (bins + 1) and counts.</summary>
    public static (double[] Edges, long[] Counts) Histogram(ReadOnlySpan<float> values, int bins, double? min = null, double? max = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double lo = min ?? double.PositiveInfinity, hi = max ?? double.NegativeInfinity;
        if (min is null || max is null)
        {
            foreach (float v in values)
            {
                if (float.IsFinite(v))
                {
                    if (min is null) { lo = Math.Min(lo, v); }
                    if (max is null) { hi = Math.Max(hi, v); }
                }
            }
        }
        if (!double.IsFinite(lo) || !double.IsFinite(hi))
        {
            lo = 0;
            hi = 1;
        }
        if (hi <= lo)
        {
            hi = lo + 1;
        }
        long[] counts = new long[bins];
        double scale = bins / (hi - lo);
        foreach (float v in values)
        {
            if (!float.IsFinite(v) || v < lo || v > hi)
            {
                continue;
            }
            counts[Math.Min(bins - 1, (int)((v - lo) * scale))]++;
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++)
        {
            edges[i] = lo + (hi - lo) * i / bins;
        }
        return (edges, counts);
    }

    private static GenericChart HistogramChart(double[] edges, long[] counts, bool logY, string title, string xTitle)
    {
        int bins = counts.Length;
        double[] centers = new double[bins];
        string[] hover = new string[bins];
        long total = Math.Max(1, counts.Sum());
        for (int i = 0; i < bins; i++)
        {
            centers[i] = (edges[i] + edges[i + 1]) / 2;
            hover[i] = $"[{edges[i]:G4}, {edges[i + 1]:G4})<br>{counts[i]:N0} ({100.0 * counts[i] / total:F2}%)";
        }
        return Plotly.NET.CSharp.Chart.Column<long, double, string>(values: counts, Keys: centers, Name: "count", MultiText: hover)
            .WithTraceProperties(("hovertemplate", "%{text}<extra></extra>"), ("textposition", "none"),
                ("width", edges[1] - edges[0]))
            .WithTitleText(title)
            .WithXAxis(xTitle)
            .WithYAxis(logY ? "count (log scale)" : "count", logY ? "log" : null)
            .WithLayout(("bargap", 0.02));
    }

    private static string[] ClassNames(int classCount, IReadOnlyList<string>? classNames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (classNames is not null && classNames.Count != classCount)
        {
            throw new ArgumentException($"Expected {classCount} class names, got {classNames.Count}.", nameof(classNames));
        }
        return classNames?.ToArray() ?? Enumerable.Range(0, classCount).Select(k => k.ToString()).ToArray();
    }
}

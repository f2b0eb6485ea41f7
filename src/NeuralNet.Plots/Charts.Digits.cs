using Plotly.NET;

namespace NeuralNet.Plots;

/// <summary>
/// One-line chart builders for the chapters and the command line. Each takes plain arrays (and, where the
/// library has a type for it, an overload that takes that type) and returns a Plotly.NET
/// <see cref="GenericChart"/> with a title, axis labels and hover text.
/// </summary>
public static partial class Charts
{
    /// <summary>Width and height of an MNIST digit.</summary>
    public const int MnistSide = 28;

    /// <summary>Red, for mistakes.</summary>
    public const string MistakeColor = "#d62728";

    /// <summary>
    /// One grey-scale image as a heatmap: row 0 at the top, square pixels, ink bright on a dark background.
    /// Hovering shows row, column and value.
    /// </summary>
    /// <param name="pixels">width * height values, row by row (e.g. 784 values in [0, 1]).</param>
    /// <param name="title">Chart title, e.g. "label 5".</param>
    public static GenericChart Digit(IReadOnlyList<float> pixels, string? title = null, int width = MnistSide, int height = MnistSide)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        CheckImage(pixels.Count, width, height, nameof(pixels));
        double[][] z = new double[height][];
        for (int r = 0; r < height; r++)
        {
            z[r] = new double[width];
            for (int c = 0; c < width; c++)
            {
                z[r][c] = pixels[r * width + c];
            }
        }
        int size = Math.Max(240, Math.Min(420, 12 * Math.Max(width, height)));
        return Plotly.NET.CSharp.Chart.Heatmap<double, int, int, string>(zData: z, ColorScale: StyleParam.Colorscale.Greys, ShowScale: true)
            .WithTraceProperties(("hovertemplate", "row %{y}, column %{x}<br>value %{z:.3f}<extra></extra>"))
            .WithTitleText(title ?? "Digit")
            .WithXAxis("column", more: [("constrain", "domain")])
            .WithYAxis("row", more: [("autorange", "reversed"), ("scaleanchor", "x"), ("constrain", "domain")])
            .WithPixelSize(size + 80, size + 40);
    }

    /// <summary>
    /// Many images as one tiled heatmap, each with a caption above it. With <paramref name="labels"/> the
    /// caption is the label; with <paramref name="predictions"/> as well it reads "label → prediction" and
    /// every mistake is framed and captioned in red.
    /// </summary>
    /// <param name="images">The images, each width * height values, row by row.</param>
    /// <param name="labels">True classes (optional), one per image.</param>
    /// <param name="predictions">Predicted classes (optional), one per image; needs <paramref name="labels"/>.</param>
    /// <param name="captions">Captions to use instead (optional), one per image; may contain &lt;br&gt;.</param>
    /// <param name="highlight">Which images to frame in red (optional; by default the mistakes).</param>
    /// <param name="columns">Images per row of the grid.</param>
    public static GenericChart DigitGrid(
        IReadOnlyList<IReadOnlyList<float>> images,
        IReadOnlyList<int>? labels = null,
        IReadOnlyList<int>? predictions = null,
        IReadOnlyList<string>? captions = null,
        IReadOnlyList<bool>? highlight = null,
        int columns = 10,
        string? title = null,
        int width = MnistSide,
        int height = MnistSide,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("Expected at least one image.", nameof(images));
        }
        CheckSameCount(images.Count, labels?.Count, nameof(labels));
        CheckSameCount(images.Count, predictions?.Count, nameof(predictions));
        CheckSameCount(images.Count, captions?.Count, nameof(captions));
        CheckSameCount(images.Count, highlight?.Count, nameof(highlight));
        if (predictions is not null && labels is null)
        {
            throw new ArgumentException("Predictions need labels to compare with.", nameof(predictions));
        }
        string Name(int k) => classNames is not null && k >= 0 && k < classNames.Count ? classNames[k] : k.ToString();

        string[] texts = new string[images.Count];
        string[] hovers = new string[images.Count];
        bool[] marked = new bool[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            bool wrong = labels is not null && predictions is not null && labels[i] != predictions[i];
            marked[i] = highlight?[i] ?? wrong;
            texts[i] = captions?[i]
                ?? (predictions is not null ? $"{Name(labels![i])} → {Name(predictions[i])}"
                : labels is not null ? Name(labels[i]) : $"#{i}");
            hovers[i] = $"image {i}"
                + (labels is not null ? $"<br>label {Name(labels[i])}" : "")
                + (predictions is not null ? $"<br>prediction {Name(predictions[i])}" + (wrong ? " (wrong)" : "") : "");
        }
        return Mosaic(images, texts, hovers, marked, columns, width, height,
            StyleParam.Colorscale.Greys, zMin: null, zMax: null, symmetric: false,
            title ?? (predictions is not null ? "Digits: label → prediction (mistakes in red)" : "Digits"),
            valueName: "pixel");
    }

    /// <summary>
    /// The weights of the first <paramref name="count"/> units of a first layer, each drawn as a
    /// width x height image on plotly's RdBu scale: red where a bright pixel raises the unit's output (w &gt; 0),
    /// blue where it lowers it.
    /// </summary>
    /// <param name="weights">The weight matrix W of Z = XW + b, row-major, inputs x outputs (784 x units).</param>
    /// <param name="inputs">Rows of W (width * height, e.g. 784).</param>
    /// <param name="outputs">Columns of W (the layer's units).</param>
    /// <param name="count">How many units to draw (the first ones).</param>
    public static GenericChart FirstLayerWeights(
        IReadOnlyList<float> weights, int inputs, int outputs, int count = 32, int columns = 8,
        int width = MnistSide, int height = MnistSide, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (inputs != width * height)
        {
            throw new ArgumentException($"Expected inputs = width * height = {width * height}, got {inputs}.", nameof(inputs));
        }
        if (weights.Count != inputs * outputs)
        {
            throw new ArgumentException($"Expected {inputs} x {outputs} = {inputs * outputs} weights, got {weights.Count}.", nameof(weights));
        }
        count = Math.Clamp(count, 1, outputs);
        float[][] images = new float[count][];
        string[] texts = new string[count];
        string[] hovers = new string[count];
        for (int j = 0; j < count; j++)
        {
            float[] image = new float[inputs];
            float scale = 0f;
            for (int i = 0; i < inputs; i++)
            {
                image[i] = weights[i * outputs + j];
                scale = Math.Max(scale, Math.Abs(image[i]));
            }
            // Each unit on its own scale: the pattern matters, not the size of the weights.
            for (int i = 0; i < inputs; i++)
            {
                image[i] = scale > 0 ? image[i] / scale : 0f;
            }
            images[j] = image;
            texts[j] = $"unit {j}";
            hovers[j] = $"unit {j}<br>largest |w| {scale:G3}";
        }
        return Mosaic(images, texts, hovers, new bool[count], columns, width, height,
            StyleParam.Colorscale.RdBu, zMin: -1, zMax: 1, symmetric: true,
            title ?? $"First-layer weights of {count} units (each scaled to its largest |w|)",
            valueName: "w / max|w|");
    }

    private static GenericChart Mosaic(
        IReadOnlyList<IReadOnlyList<float>> images, string[] captions, string[] hovers, bool[] marked,
        int columns, int width, int height, StyleParam.Colorscale colorscale,
        double? zMin, double? zMax, bool symmetric, string title, string valueName)
    {
        columns = Math.Clamp(columns, 1, images.Count);
        int rows = (images.Count + columns - 1) / columns;
        const int gap = 2;
        int cellW = width + gap;
        int totalW = columns * cellW - gap;
        // Screen pixels per image pixel, and enough rows above each image for its caption's lines (~15 px each).
        int cellPixels = Math.Clamp(900 / Math.Max(totalW, 1), 2, 10);
        int lines = captions.Max(c => c.Split("<br>").Length);
        int captionRows = Math.Max(6, (int)Math.Ceiling(lines * 15.0 / cellPixels) + 1);
        int cellH = height + gap + captionRows;
        int totalH = rows * cellH;
        double?[][] z = new double?[totalH][];
        string[][] text = new string[totalH][];
        for (int r = 0; r < totalH; r++)
        {
            z[r] = new double?[totalW];
            text[r] = new string[totalW];
            Array.Fill(text[r], "");
        }
        var annotations = new List<Plotly.NET.LayoutObjects.Annotation>();
        var shapes = new List<Plotly.NET.LayoutObjects.Shape>();
        for (int k = 0; k < images.Count; k++)
        {
            IReadOnlyList<float> image = images[k];
            CheckImage(image.Count, width, height, $"images[{k}]");
            int top = (k / columns) * cellH + captionRows;
            int left = (k % columns) * cellW;
            for (int r = 0; r < height; r++)
            {
                for (int c = 0; c < width; c++)
                {
                    z[top + r][left + c] = image[r * width + c];
                    text[top + r][left + c] = hovers[k];
                }
            }
            annotations.Add(Plot.Annotation(
                ("x", left + (width - 1) / 2.0), ("y", top - 1.0), ("xref", "x"), ("yref", "y"),
                ("text", marked[k] ? $"<b>{captions[k]}</b>" : captions[k]),
                ("showarrow", false), ("yanchor", "bottom"),
                ("font", Plot.Obj(("size", 11), ("color", marked[k] ? MistakeColor : "#222")))));
            if (marked[k])
            {
                shapes.Add(Plot.Shape(
                    ("type", "rect"), ("xref", "x"), ("yref", "y"),
                    ("x0", left - 0.5), ("x1", left + width - 0.5), ("y0", top - 0.5), ("y1", top + height - 0.5),
                    ("line", Plot.Obj(("color", MistakeColor), ("width", 3)))));
            }
        }
        // Gaps are null (drawn as background); the typed API wants IConvertible cells, so z is set afterwards.
        GenericChart chart = Plotly.NET.CSharp.Chart.Heatmap<double, int, int, string>(
                zData: [[0.0]], ColorScale: colorscale, ShowScale: symmetric)
            .WithTraceProperties(
                ("z", z),
                ("text", text),
                ("hovertemplate", "%{text}<br>" + valueName + " %{z:.3f}<extra></extra>"),
                ("hoverongaps", false),
                ("zmin", zMin), ("zmax", zMax), ("zmid", symmetric ? 0.0 : null))
            .WithTitleText(title)
            .WithXAxis("", more: [("visible", false), ("constrain", "domain")])
            .WithYAxis("", more: [("visible", false), ("autorange", "reversed"), ("scaleanchor", "x"), ("constrain", "domain")])
            .WithLayout(
                ("annotations", annotations),
                ("shapes", shapes),
                ("plot_bgcolor", "white"),
                ("margin", Plot.Obj(("l", 20), ("r", 20), ("t", lines > 1 ? 80 : 60), ("b", 20))))
            .WithPixelSize(Math.Max(300, totalW * cellPixels + 40 + (symmetric ? 80 : 0)), Math.Max(200, totalH * cellPixels + 80));
        return chart;
    }

    private static void CheckImage(int count, int width, int height, string name)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(name, $"Expected a positive width and height, got {width} x {height}.");
        }
        if (count != width * height)
        {
            throw new ArgumentException($"Expected {width} x {height} = {width * height} pixels, got {count}.", name);
        }
    }

    private static void CheckSameCount(int expected, int? actual, string name)
    {
        if (actual is { } n && n != expected)
        {
            throw new ArgumentException($"Expected one entry per image ({expected}), got {n}.", name);
        }
    }
}

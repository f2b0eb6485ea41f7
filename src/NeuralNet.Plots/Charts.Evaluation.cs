using Plotly.NET;

namespace NeuralNet.Plots;

public static partial class Charts
{
    // White to dark blue (the colours of ColorBrewer's "Blues"), as plotly's [[fraction, colour], ...].
    private static readonly object[][] BlueScale = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"]];

    /// <summary>
    /// A confusion matrix as an annotated heatmap: rows are the true classes, columns the predictions, each
    /// cell shows its count (or, normalised, the share of its row, so the diagonal is each class's recall).
    /// </summary>
    /// <param name="counts">counts[true, predicted].</param>
    /// <param name="normalize">Show each row as percentages of that class.</param>
    public static GenericChart ConfusionMatrix(int[,] counts, IReadOnlyList<string>? classNames = null, bool normalize = false,
        string? title = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int n = counts.GetLength(0);
        if (n == 0 || counts.GetLength(1) != n)
        {
            throw new ArgumentException($"Expected a square matrix, got {counts.GetLength(0)} x {counts.GetLength(1)}.", nameof(counts));
        }
        string[] names = ClassNames(n, classNames);
        double[][] z = new double[n][];
        string[][] text = new string[n][];
        string[][] hover = new string[n][];
        long total = 0, correct = 0;
        for (int t = 0; t < n; t++)
        {
            long rowSum = 0;
            for (int p = 0; p < n; p++)
            {
                rowSum += counts[t, p];
            }
            total += rowSum;
            correct += counts[t, t];
            z[t] = new double[n];
            text[t] = new string[n];
            hover[t] = new string[n];
            for (int p = 0; p < n; p++)
            {
                double share = rowSum > 0 ? 100.0 * counts[t, p] / rowSum : 0;
                z[t][p] = normalize ? share : counts[t, p];
                text[t][p] = normalize ? (share >= 0.05 ? share.ToString(share >= 10 ? "F0" : "F1") : "") : counts[t, p].ToString();
                hover[t][p] = $"true {names[t]}, predicted {names[p]}<br>{counts[t, p]} examples ({share:F1}% of true {names[t]})";
            }
        }
        // Colour on a compressed scale so the few off-diagonal errors stay visible next to the large diagonal.
        double[][] colour = z.Select(row => row.Select(v => Math.Sqrt(v)).ToArray()).ToArray();
        double maxColour = colour.SelectMany(r => r).DefaultIfEmpty(1).Max();
        GenericChart chart = Plotly.NET.CSharp.Chart.AnnotatedHeatmap<double, string, string, string>(
                zData: colour, annotationText: text, X: names, Y: names, ColorScale: StyleParam.Colorscale.Greys,
                ShowScale: false, ReverseYAxis: true)
            .WithTraceProperties(("colorscale", BlueScale), ("text", hover), ("hovertemplate", "%{text}<extra></extra>"), ("xgap", 1), ("ygap", 1));
        EditAnnotations(chart, annotation =>
        {
            // Dark text on light cells, white on dark cells.
            // The annotations sit at cell indices (x = column, y = row).
            int col = Convert.ToInt32(annotation.TryGetPropertyValue("x")?.Value ?? -1);
            int row = Convert.ToInt32(annotation.TryGetPropertyValue("y")?.Value ?? -1);
            bool dark = col >= 0 && row >= 0 && col < n && row < n && colour[row][col] > 0.5 * maxColour;
            annotation.SetProperty("font", Plot.Obj(("size", n > 12 ? 9 : 12), ("color", dark ? "white" : "#222")));
        });
        double accuracy = total > 0 ? 100.0 * correct / total : 0;
        int size = Math.Clamp(60 * n + 160, 480, 900);
        return chart
            .WithTitleText(title ?? (normalize ? "Confusion matrix (% of each true class)" : "Confusion matrix (counts)"),
                $"{total:N0} examples, accuracy {accuracy:F2}%")
            .WithXAxis("predicted class", "category", more: [("side", "bottom")])
            .WithYAxis("true class", "category", more: [("autorange", "reversed")])
            .WithPixelSize(size, size);
    }

    /// <summary>
    /// Per-class precision, recall and F1 as grouped bars (fractions in [0, 1] shown as %).
    /// </summary>
    public static GenericChart ClassificationReport(IReadOnlyList<double> precision, IReadOnlyList<double> recall,
        IReadOnlyList<double> f1, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(precision);
        ArgumentNullException.ThrowIfNull(recall);
        ArgumentNullException.ThrowIfNull(f1);
        int n = precision.Count;
        if (recall.Count != n || f1.Count != n)
        {
            throw new ArgumentException($"Expected one value per class in each list, got {precision.Count}, {recall.Count}, {f1.Count}.", nameof(f1));
        }
        string[] names = ClassNames(n, classNames);
        var series = new (string Name, IReadOnlyList<double> Values, string Meaning)[]
        {
            ("precision", precision, "of the examples predicted as this class, the share that are"),
            ("recall", recall, "of the examples of this class, the share that were found"),
            ("F1", f1, "harmonic mean of precision and recall"),
        };
        IEnumerable<GenericChart> charts = series.Select((s, i) => Plotly.NET.CSharp.Chart.Column<double, string, string>(
                values: s.Values.Select(v => 100 * v), Keys: names, Name: s.Name, MarkerColor: Color.fromString(Plot.ColorAt(i)))
            .WithTraceProperties(("hovertemplate", "class %{x}<br>" + s.Name + " %{y:.2f}%<br><i>" + s.Meaning + "</i><extra></extra>")));
        double lowest = Math.Max(0, Math.Floor(new[] { precision, recall, f1 }.SelectMany(v => v).DefaultIfEmpty(0).Min() * 100 - 2));
        return Plotly.NET.CSharp.Chart.Combine(charts)
            .WithTitleText(title ?? "Precision, recall and F1 per class")
            .WithXAxis("class", "category")
            .WithYAxis("%", more: [("range", new[] { lowest, 100.5 })])
            .WithLayout(("barmode", "group"));
    }

    /// <summary>Per-class precision, recall and F1 computed from a confusion matrix counts[true, predicted].</summary>
    public static GenericChart ClassificationReport(int[,] counts, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        (double[]? precision, double[]? recall, double[]? f1) = PrecisionRecallF1(counts);
        return ClassificationReport(precision, recall, f1, classNames, title);
    }

    /// <summary>Precision, recall and F1 per class from counts[true, predicted] (0 where undefined).</summary>
    public static (double[] Precision, double[] Recall, double[] F1) PrecisionRecallF1(int[,] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int n = counts.GetLength(0);
        double[] precision = new double[n];
        double[] recall = new double[n];
        double[] f1 = new double[n];
        for (int k = 0; k < n; k++)
        {
            long predicted = 0, actual = 0;
            for (int j = 0; j < n; j++)
            {
                predicted += counts[j, k];
                actual += counts[k, j];
            }
            precision[k] = predicted > 0 ? (double)counts[k, k] / predicted : 0;
            recall[k] = actual > 0 ? (double)counts[k, k] / actual : 0;
            f1[k] = precision[k] + recall[k] > 0 ? 2 * precision[k] * recall[k] / (precision[k] + recall[k]) : 0;
        }
        return (precision, recall, f1);
    }

    /// <summary>The <paramref name="top"/> most frequent mistakes (true → predicted) as horizontal bars.</summary>
    public static GenericChart ConfusedPairs(int[,] counts, int top = 10, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int n = counts.GetLength(0);
        string[] names = ClassNames(n, classNames);
        var pairs = new List<(int True, int Predicted, int Count)>();
        for (int t = 0; t < n; t++)
        {
            for (int p = 0; p < n; p++)
            {
                if (t != p && counts[t, p] > 0)
                {
                    pairs.Add((t, p, counts[t, p]));
                }
            }
        }
        (int True, int Predicted, int Count)[] chosen = pairs.OrderByDescending(x => x.Count).ThenBy(x => x.True).ThenBy(x => x.Predicted).Take(top).Reverse().ToArray();
        string[] keys = chosen.Select(x => $"{names[x.True]} → {names[x.Predicted]}").ToArray();
        return Plotly.NET.CSharp.Chart.Bar<int, string, string>(values: chosen.Select(x => x.Count), Keys: keys, Name: "mistakes",
                MarkerColor: Color.fromString(MistakeColor))
            .WithTraceProperties(("hovertemplate", "true %{y}<br>%{x} examples<extra></extra>"))
            .WithTitleText(title ?? $"The {chosen.Length} most frequent mistakes (true → predicted)")
            .WithXAxis("examples")
            .WithYAxis("true → predicted", "category")
            .WithPixelSize(700, Math.Max(300, 30 * chosen.Length + 140));
    }

    /// <summary>A probability distribution over the classes as bars (the largest in a stronger colour).</summary>
    /// <param name="probabilities">One probability per class (e.g. a softmax output).</param>
    public static GenericChart Probabilities(IReadOnlyList<float> probabilities, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        string[] names = ClassNames(probabilities.Count, classNames);
        int best = 0;
        for (int k = 1; k < probabilities.Count; k++)
        {
            if (probabilities[k] > probabilities[best])
            {
                best = k;
            }
        }
        string[] colors = Enumerable.Range(0, probabilities.Count).Select(k => k == best ? Plot.Palette[0] : "#9ecae1").ToArray();
        return Plotly.NET.CSharp.Chart.Column<double, string, string>(values: probabilities.Select(p => (double)p), Keys: names, Name: "p")
            .WithTraceProperties(("marker", Plot.Obj(("color", colors))),
                ("hovertemplate", "class %{x}<br>p = %{y:.4f}<extra></extra>"))
            .WithTitleText(title ?? "Predicted probabilities")
            .WithXAxis("class", "category")
            .WithYAxis("probability", more: [("range", new[] { 0.0, 1.0 })]);
    }

    /// <summary>
    /// A gradient check as bars of relative error per parameter on a log axis, with guide lines. The default
    /// guides suit float32 code: below 1e-4 excellent, up to 1e-2 fine (rounding), near 1 a bug. For float64
    /// code CS231n's 1e-7 / 1e-4 / 1e-2 are the usual ones.
    /// </summary>
    /// <param name="names">What was checked, e.g. "W1", "b1".</param>
    /// <param name="relativeErrors">The largest relative error of each.</param>
    /// <param name="guides">Where to draw the dotted guide lines (green, orange, red).</param>
    public static GenericChart RelativeErrors(IReadOnlyList<string> names, IReadOnlyList<double> relativeErrors,
        IReadOnlyList<double>? guides = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(relativeErrors);
        if (names.Count != relativeErrors.Count)
        {
            throw new ArgumentException($"Expected one error per name, got {names.Count} names and {relativeErrors.Count} errors.", nameof(relativeErrors));
        }
        guides ??= [1e-4, 1e-2, 1];
        string[] colors = ["#2ca02c", "#ff7f0e", MistakeColor];
        var shapes = guides.Select((g, i) => Plot.Shape(("type", "line"), ("xref", "paper"), ("x0", 0), ("x1", 1), ("yref", "y"), ("y0", g), ("y1", g),
                ("line", Plot.Obj(("color", colors[Math.Min(i, colors.Length - 1)]), ("dash", "dot"), ("width", 2))))).ToList();
        return Plotly.NET.CSharp.Chart.Column<double, string, string>(values: relativeErrors.Select(e => Math.Max(e, 1e-16)), Keys: names.ToArray(), Name: "relative error")
            .WithTraceProperties(("hovertemplate", "%{x}<br>relative error %{y:.2e}<extra></extra>"))
            .WithTitleText(title ?? "Gradient check: backprop vs finite differences",
                "dotted lines at " + string.Join(", ", guides.Select(g => g.ToString("G2"))))
            .WithXAxis("parameter", "category")
            .WithYAxis("max relative error (log scale)", "log", more: [("exponentformat", "power")])
            .WithLayout(("shapes", shapes));
    }
}

using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNet.Plots;

/// <summary>An activation function and its derivative, for <c>Charts.ActivationFunctions</c>.</summary>
/// <param name="Name">Name shown in the legend, e.g. "ReLU".</param>
/// <param name="Function">f(z).</param>
/// <param name="Derivative">f'(z).</param>
public sealed record ActivationCurve(string Name, Func<double, double> Function, Func<double, double> Derivative)
{
    /// <summary>ReLU: max(0, z); derivative 1 for z &gt; 0, else 0.</summary>
    public static ActivationCurve ReLU { get; } = new("ReLU", z => Math.Max(0, z), z => z > 0 ? 1 : 0);

    /// <summary>Sigmoid: 1 / (1 + e^-z); derivative σ(z)(1 - σ(z)).</summary>
    public static ActivationCurve Sigmoid { get; } = new("sigmoid", Sig, z => Sig(z) * (1 - Sig(z)));

    /// <summary>Tanh; derivative 1 - tanh²(z).</summary>
    public static ActivationCurve Tanh { get; } = new("tanh", Math.Tanh, z => 1 - Math.Tanh(z) * Math.Tanh(z));

    private static double Sig(double z) => 1 / (1 + Math.Exp(-z));
}

public static partial class Charts
{
    /// <summary>
    /// Activation functions (left) and their derivatives (right) over [<paramref name="from"/>, <paramref name="to"/>],
    /// same colour for a function and its derivative.
    /// </summary>
    public static GenericChart ActivationFunctions(IEnumerable<ActivationCurve> curves, double from = -5, double to = 5,
        int points = 401, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        double[] x = Enumerable.Range(0, points).Select(i => from + (to - from) * i / (points - 1)).ToArray();
        var left = new List<GenericChart>();
        var right = new List<GenericChart>();
        int index = 0;
        foreach (ActivationCurve curve in curves)
        {
            var color = Color.fromString(Plot.ColorAt(index));
            double[] y = x.Select(curve.Function).ToArray();
            double[] dy = x.Select(curve.Derivative).ToArray();
            left.Add(Plotly.NET.CSharp.Chart.Line<double, double, string>(x: x, y: y, Name: curve.Name, LineColor: color)
                .WithTraceProperties(("legendgroup", curve.Name), ("hovertemplate", curve.Name + "(%{x:.2f}) = %{y:.3f}<extra></extra>")));
            right.Add(Plotly.NET.CSharp.Chart.Line<double, double, string>(x: x, y: dy, Name: curve.Name + "'", LineColor: color, LineDash: StyleParam.DrawingStyle.Dash)
                .WithTraceProperties(("legendgroup", curve.Name), ("hovertemplate", curve.Name + "'(%{x:.2f}) = %{y:.3f}<extra></extra>")));
            index++;
        }
        if (index == 0)
        {
            throw new ArgumentException("Expected at least one curve.", nameof(curves));
        }
        return Plotly.NET.CSharp.Chart.Grid(
                [Plotly.NET.CSharp.Chart.Combine(left), Plotly.NET.CSharp.Chart.Combine(right)], nRows: 1, nCols: 2,
                SubPlotTitles: new[] { "f(z)", "f'(z), the derivative" })
            .WithTitleText(title ?? "Activation functions and their derivatives")
            .WithXAxis("z", axis: 1).WithXAxis("z", axis: 2)
            .WithYAxis("f(z)", axis: 1).WithYAxis("f'(z)", axis: 2)
            .WithPixelSize(1000, 420);
    }

    /// <summary>ReLU, sigmoid and tanh with their derivatives.</summary>
    public static GenericChart ActivationFunctions(double from = -5, double to = 5) =>
        ActivationFunctions([ActivationCurve.ReLU, ActivationCurve.Sigmoid, ActivationCurve.Tanh], from, to);

    /// <summary>
    /// The distribution of each layer's outputs, one histogram per layer side by side (counted here), to see
    /// activations shrink to zero or blow up through depth.
    /// </summary>
    /// <param name="layers">Per layer: a name (e.g. "layer 3 (tanh)") and all its output values for a batch.</param>
    /// <param name="bins">Bins per histogram.</param>
    /// <param name="min">Left edge for every histogram (default: each layer's smallest value).</param>
    /// <param name="max">Right edge for every histogram (default: each layer's largest value).</param>
    public static GenericChart ActivationHistograms(IEnumerable<(string Layer, float[] Values)> layers, int bins = 40,
        double? min = null, double? max = null, int columns = 0, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = layers.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Expected at least one layer.", nameof(layers));
        }
        var charts = new List<GenericChart>();
        var subtitles = new List<string>();
        for (int i = 0; i < list.Count; i++)
        {
            (string? name, float[]? values) = list[i];
            (double[]? edges, long[]? counts) = Histogram(values, bins, min, max);
            (double mean, double std) = MeanStd(values);
            double[] centers = edges.Take(bins).Select((e, k) => (e + edges[k + 1]) / 2).ToArray();
            int total = Math.Max(1, values.Length);
            double[] share = counts.Select(c => 100.0 * c / total).ToArray();
            charts.Add(Plotly.NET.CSharp.Chart.Column<double, double, string>(values: share, Keys: centers, Name: name,
                    MarkerColor: Color.fromString(Plot.ColorAt(i)))
                .WithTraceProperties(("width", edges[1] - edges[0]), ("showlegend", false),
                    ("hovertemplate", name + "<br>value %{x:.3g}<br>%{y:.2f}% of values<extra></extra>")));
            subtitles.Add($"{name}<br>mean {mean:G3}, std {std:G3}");
        }
        int cols = columns > 0 ? columns : Math.Min(list.Count, 5);
        int rows = (list.Count + cols - 1) / cols;
        GenericChart chart = Plotly.NET.CSharp.Chart.Grid(charts, nRows: rows, nCols: cols, SubPlotTitles: subtitles)
            .WithTitleText(title ?? "Activation values per layer (share of values per bin)")
            .WithLayout(("bargap", 0.0))
            .WithPixelSize(Math.Min(1400, 225 * cols + 80), 290 * rows + 100);
        EditAnnotations(chart, annotation => annotation.SetProperty("font", Plot.Obj(("size", 11))));
        return chart;
    }

    /// <summary>
    /// A statistic (usually the standard deviation of the activations) layer by layer, one line per setting,
    /// log y axis: flat lines mean the signal keeps its size through depth, falling lines vanish, rising explode.
    /// </summary>
    /// <param name="runs">Per setting: a name (e.g. "He + ReLU") and the statistic for layers 1, 2, ...</param>
    public static GenericChart ActivationStdByLayer(IEnumerable<(string Name, IReadOnlyList<double> Values)> runs,
        bool logY = true, string yTitle = "std of the layer's activations", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var charts = runs.Select((run, i) => Plotly.NET.CSharp.Chart.Line<int, double, string>(
                x: Enumerable.Range(1, run.Values.Count), y: run.Values, Name: run.Name, ShowMarkers: true,
                LineColor: Color.fromString(Plot.ColorAt(i)), MarkerColor: Color.fromString(Plot.ColorAt(i)))
            .WithTraceProperties(("hovertemplate", run.Name + "<br>layer %{x}: %{y:.3g}<extra></extra>"))).ToList();
        if (charts.Count == 0)
        {
            throw new ArgumentException("Expected at least one run.", nameof(runs));
        }
        return Plotly.NET.CSharp.Chart.Combine(charts)
            .WithTitleText(title ?? "Activation size through depth")
            .WithXAxis("layer", more: [("dtick", 1)])
            .WithYAxis(yTitle + (logY ? " (log scale)" : ""), logY ? "log" : null, more: [("exponentformat", "power")]);
    }

    internal static (double Mean, double Std) MeanStd(ReadOnlySpan<float> values)
    {
        if (values.Length == 0)
        {
            return (0, 0);
        }
        double sum = 0, sumSq = 0;
        foreach (float v in values)
        {
            sum += v;
            sumSq += (double)v * v;
        }
        double mean = sum / values.Length;
        return (mean, Math.Sqrt(Math.Max(0, sumSq / values.Length - mean * mean)));
    }

    /// <summary>
    /// Edits the layout's annotations (subplot titles, heatmap cell labels). Plotly.NET may hand them out as a lazy
    /// sequence that makes new objects on every enumeration, so they are materialised, edited and stored back.
    /// </summary>
    private static void EditAnnotations(GenericChart chart, Action<DynamicObj.DynamicObj> edit)
    {
        Layout layout = GenericChart.getLayout(chart);
        if (layout.TryGetPropertyValue("annotations") is { } value && value.Value is System.Collections.IEnumerable items)
        {
            var list = items.OfType<Plotly.NET.LayoutObjects.Annotation>().ToList();
            foreach (Annotation annotation in list)
            {
                edit(annotation);
            }
            layout.SetProperty("annotations", list);
        }
    }
}

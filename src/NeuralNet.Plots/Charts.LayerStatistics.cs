using NeuralNet.Layers;
using NeuralNet.Training;
using Plotly.NET;

namespace NeuralNet.Plots;

public static partial class Charts
{
    /// <summary>
    /// Karpathy's diagnostic: for each chosen layer, the distribution of its outputs (left) and of the loss
    /// gradient with respect to them (right), drawn as outline histograms on top of each other. Distributions that
    /// shrink layer after layer vanish; ones that widen explode; healthy ones look alike at every depth.
    /// </summary>
    /// <param name="snapshots">From <see cref="LayerSnapshot.Capture"/>; usually only the activation layers.</param>
    /// <param name="bins">Bins per histogram.</param>
    public static GenericChart LayerHistograms(IEnumerable<LayerSnapshot> snapshots, int bins = 50, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var list = snapshots.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Expected at least one layer snapshot.", nameof(snapshots));
        }
        GenericChart Panel(Func<LayerSnapshot, float[]> values, bool showLegend, string what) =>
            Plotly.NET.CSharp.Chart.Combine(list.Select((s, i) =>
            {
                float[] data = values(s);
                (double mean, double std) = MeanStd(data);
                (double[]? edges, long[]? counts) = Histogram(data, bins);
                double[] centers = edges.Take(bins).Select((e, k) => (e + edges[k + 1]) / 2).ToArray();
                double[] share = counts.Select(c => 100.0 * c / Math.Max(1, data.Length)).ToArray();
                string name = $"{s.Label} (std {std:G2})";
                return Plotly.NET.CSharp.Chart.Line<double, double, string>(x: centers, y: share, Name: name,
                        LineColor: Color.fromString(Plot.ColorAt(i)))
                    .WithTraceProperties(("showlegend", showLegend), ("legendgroup", s.Label),
                        ("hovertemplate", $"{s.Label}<br>{what} %{{x:.3g}}<br>%{{y:.2f}}% of values<extra></extra>"));
            }));
        GenericChart activations = Panel(s => s.Outputs, true, "output");
        GenericChart gradients = Panel(s => s.Gradients, false, "gradient");
        GenericChart chart = Plotly.NET.CSharp.Chart.Grid(new[] { activations, gradients }, nRows: 1, nCols: 2,
                SubPlotTitles: new[] { "outputs of each layer", "gradient ∂L/∂output of each layer" })
            .WithTitleText(title ?? "Per-layer distributions of outputs and gradients")
            .WithYAxis("% of values")
            .WithLayout(("legend", Plot.Obj(("orientation", "h"), ("y", -0.2))))
            .WithPixelSize(900, 420 + 20 * ((list.Count + 2) / 3));
        EditAnnotations(chart, annotation => annotation.SetProperty("font", Plot.Obj(("size", 12))));
        return chart;
    }

    /// <summary>The standard deviation of each snapshot's outputs or gradients, in layer order, for <see cref="ActivationStdByLayer"/>.</summary>
    public static IReadOnlyList<double> StdByLayer(IEnumerable<LayerSnapshot> snapshots, bool gradients) =>
        snapshots.Select(s => MeanStd(gradients ? s.Gradients : s.Outputs).Std).ToList();
}

using NeuralNet.Data;
using NeuralNet.Evaluation;
using Plotly.NET;

namespace NeuralNet.Plots;

public static partial class Charts
{
    // Light versions of the palette's first colours (matplotlib's tab20), for the regions behind the points.
    private static readonly string[] LightPalette =
        ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"];

    /// <summary>
    /// A 2-D classifier's decision boundary: the plane coloured by what the network answers there, with the
    /// samples on top. With two classes the colour is P(class 1), light blue (class 0) through white (50/50,
    /// the boundary) to light orange (class 1); with more classes each region takes its predicted class's colour.
    /// </summary>
    public static GenericChart DecisionBoundary(DecisionGrid grid, ImageDataset points, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(points);
        return Plotly.NET.CSharp.Chart.Combine(BoundaryTraces(grid, points, showLegend: true))
            .WithTitleText(title ?? $"Decision boundary on {points.Name}")
            .WithXAxis("x", more: [("range", Range(grid.Xs)), ("constrain", "domain")])
            .WithYAxis("y", more: [("range", Range(grid.Ys)), ("scaleanchor", "x"), ("constrain", "domain")])
            .WithPixelSize(620, 520);
    }

    /// <summary>
    /// Several decision boundaries side by side, e.g. snapshots while a network trains, each with its caption.
    /// </summary>
    public static GenericChart DecisionBoundaries(IReadOnlyList<(string Caption, DecisionGrid Grid)> frames, ImageDataset points,
        int columns = 3, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(points);
        if (frames.Count == 0) throw new ArgumentException("Expected at least one frame.", nameof(frames));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        columns = Math.Min(columns, frames.Count);
        int rows = (frames.Count + columns - 1) / columns;
        GenericChart[] charts = frames.Select((f, i) => Plotly.NET.CSharp.Chart.Combine(BoundaryTraces(f.Grid, points, showLegend: i == 0))).ToArray();
        GenericChart chart = Plotly.NET.CSharp.Chart.Grid(charts, nRows: rows, nCols: columns, SubPlotTitles: frames.Select(f => f.Caption).ToArray())
            .WithTitleText(title ?? $"Decision boundaries on {points.Name}");
        for (int i = 1; i <= frames.Count; i++)
        {
            chart.WithXAxis("", axis: i, more: [("showticklabels", false), ("range", Range(frames[i - 1].Grid.Xs))])
                 .WithYAxis("", axis: i, more: [("showticklabels", false), ("range", Range(frames[i - 1].Grid.Ys))]);
        }
        return chart.WithPixelSize(Math.Min(900, 260 * columns + 160), 260 * rows + 120);
    }

    // The heatmap of the grid and one scatter trace per class.
    private static IEnumerable<GenericChart> BoundaryTraces(DecisionGrid grid, ImageDataset points, bool showLegend)
    {
        bool binary = grid.ClassCount == 2;
        double[][] z = grid.Ys.Select((_, iy) => grid.Xs.Select((_, ix) =>
            binary ? Math.Round(grid.Probability(ix, iy, 1), 3) : grid.PredictedClass(ix, iy)).ToArray()).ToArray();   // 3 decimals: plenty for a colour, and a third of the JSON
        object[][] scale = binary
            ? [[0.0, LightPalette[0]], [0.5, "#ffffff"], [1.0, LightPalette[1]]]
            : Enumerable.Range(0, grid.ClassCount).SelectMany(c => new object[][]
                { [(double)c / grid.ClassCount, LightPalette[c % LightPalette.Length]], [(c + 1.0) / grid.ClassCount, LightPalette[c % LightPalette.Length]] }).ToArray();
        yield return Plotly.NET.CSharp.Chart.Heatmap<double, double, double, string>(zData: z, X: grid.Xs, Y: grid.Ys, ShowScale: false)
            .WithTraceProperties(("colorscale", scale), ("zmin", binary ? 0.0 : -0.5), ("zmax", binary ? 1.0 : grid.ClassCount - 0.5),
                ("showlegend", false),
                ("hovertemplate", binary ? "(%{x:.2f}, %{y:.2f})<br>P(class 1) = %{z:.3f}<extra></extra>" : "(%{x:.2f}, %{y:.2f})<br>predicted class %{z}<extra></extra>"));
        for (int c = 0; c < points.ClassCount; c++)
        {
            int[] rows = Enumerable.Range(0, points.Count).Where(i => points.Labels[i] == c).ToArray();
            yield return Plotly.NET.CSharp.Chart.Point<double, double, string>(
                    x: rows.Select(i => (double)points.Images[i, 0]).ToArray(), y: rows.Select(i => (double)points.Images[i, 1]).ToArray(),
                    Name: points.ClassNames[c])
                .WithTraceProperties(("marker", Plot.Obj(("color", Plot.ColorAt(c)), ("size", 5), ("line", Plot.Obj(("color", "white"), ("width", 0.5))))),
                    ("legendgroup", points.ClassNames[c]), ("showlegend", showLegend),
                    ("hovertemplate", points.ClassNames[c] + " (%{x:.2f}, %{y:.2f})<extra></extra>"));
        }
    }

    private static double[] Range(double[] axis) => [axis[0], axis[^1]];
}

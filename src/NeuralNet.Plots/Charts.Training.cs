using Plotly.NET;

namespace NeuralNet.Plots;

/// <summary>
/// One training run's curves for <see cref="Charts.LossCurves(IEnumerable{RunCurves}, string?, string)"/> and
/// <see cref="Charts.AccuracyCurves(IEnumerable{RunCurves}, string?, string)"/>: values per epoch (or per step).
/// </summary>
/// <param name="Name">Legend name of the run, e.g. "Adam, lr 0.001".</param>
/// <param name="Train">Training values, one per epoch.</param>
/// <param name="Validation">Validation values, one per epoch (optional).</param>
public sealed record RunCurves(string Name, IReadOnlyList<double> Train, IReadOnlyList<double>? Validation = null);

public static partial class Charts
{
    /// <summary>
    /// Loss per epoch, train (solid) and validation (dashed) in the same colour for each run; several runs
    /// overlay with a legend.
    /// </summary>
    public static GenericChart LossCurves(IEnumerable<RunCurves> runs, string? title = null, string xTitle = "epoch") =>
        Curves(runs, title ?? "Loss", xTitle, "cross-entropy loss", percent: false, logY: false);

    /// <summary>Loss per epoch of one run: train and (optionally) validation.</summary>
    public static GenericChart LossCurves(IReadOnlyList<double> train, IReadOnlyList<double>? validation = null,
        string? title = null, string xTitle = "epoch") =>
        LossCurves([new RunCurves("", train, validation)], title, xTitle);

    /// <summary>
    /// Accuracy per epoch (fractions in [0, 1], shown as %), train (solid) and validation (dashed) per run.
    /// </summary>
    public static GenericChart AccuracyCurves(IEnumerable<RunCurves> runs, string? title = null, string xTitle = "epoch") =>
        Curves(runs, title ?? "Accuracy", xTitle, "accuracy (%)", percent: true, logY: false);

    /// <summary>Accuracy per epoch of one run (fractions in [0, 1]): train and (optionally) validation.</summary>
    public static GenericChart AccuracyCurves(IReadOnlyList<double> train, IReadOnlyList<double>? validation = null,
        string? title = null, string xTitle = "epoch") =>
        AccuracyCurves([new RunCurves("", train, validation)], title, xTitle);

    /// <summary>Loss (left) and accuracy (right) side by side for several runs.</summary>
    public static GenericChart TrainingCurves(IEnumerable<RunCurves> losses, IEnumerable<RunCurves> accuracies,
        string? title = null, string xTitle = "epoch")
    {
        GenericChart loss = LossCurves(losses, null, xTitle);
        GenericChart accuracy = AccuracyCurves(accuracies, null, xTitle)
            .WithTraceProperties(("showlegend", false));
        return Plotly.NET.CSharp.Chart.Grid([loss, accuracy], nRows: 1, nCols: 2,
                SubPlotTitles: new[] { "loss", "accuracy (%)" })
            .WithTitleText(title ?? "Training curves")
            .WithXAxis(xTitle, axis: 1).WithXAxis(xTitle, axis: 2)
            .WithYAxis("cross-entropy loss", axis: 1).WithYAxis("accuracy (%)", axis: 2)
            .WithPixelSize(1100, 450);
    }

    private static GenericChart Curves(IEnumerable<RunCurves> runs, string title, string xTitle, string yTitle, bool percent, bool logY)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var list = runs.ToList();
        bool hasValidation = list.Any(r => r.Validation is { Count: > 0 });
        var charts = new List<GenericChart>();
        int index = 0;
        double scale = percent ? 100.0 : 1.0;
        string format = percent ? ":.2f}%" : ":.4f}";
        foreach (RunCurves run in list)
        {
            var color = Color.fromString(Plot.ColorAt(index));
            string prefix = string.IsNullOrEmpty(run.Name) ? "" : run.Name + ", ";
            // Without validation curves a run's line is simply named after the run.
            string trainName = hasValidation || string.IsNullOrEmpty(run.Name) ? prefix + "train" : run.Name;
            string group = string.IsNullOrEmpty(run.Name) ? $"run {index}" : run.Name;
            charts.Add(Plotly.NET.CSharp.Chart.Line<int, double, string>(
                    x: Enumerable.Range(1, run.Train.Count), y: run.Train.Select(v => v * scale), Name: trainName,
                    ShowMarkers: run.Train.Count <= 30, LineColor: color, MarkerColor: color)
                .WithTraceProperties(("legendgroup", group),
                    ("hovertemplate", trainName + "<br>" + xTitle + " %{x}: %{y" + format + "<extra></extra>")));
            if (run.Validation is { Count: > 0 } validation)
            {
                charts.Add(Plotly.NET.CSharp.Chart.Line<int, double, string>(
                        x: Enumerable.Range(1, validation.Count), y: validation.Select(v => v * scale), Name: prefix + "validation",
                        ShowMarkers: validation.Count <= 30, LineColor: color, MarkerColor: color, LineDash: StyleParam.DrawingStyle.Dash)
                    .WithTraceProperties(("legendgroup", group),
                        ("hovertemplate", prefix + "validation<br>" + xTitle + " %{x}: %{y" + format + "<extra></extra>")));
            }
            index++;
        }
        if (charts.Count == 0)
        {
            throw new ArgumentException("Expected at least one run.", nameof(runs));
        }
        return Plotly.NET.CSharp.Chart.Combine(charts)
            .WithTitleText(title, hasValidation ? "solid: train, dashed: validation" : null)
            .WithXAxis(xTitle)
            .WithYAxis(yTitle, logY ? "log" : null)
            .WithLayout(("hovermode", "x unified"));
    }

    /// <summary>
    /// A learning-rate sweep: a metric (e.g. final validation loss) against the learning rate on a log x axis,
    /// the best point marked.
    /// </summary>
    /// <param name="learningRates">The learning rates tried.</param>
    /// <param name="metric">The metric each reached (non-finite values, i.e. diverged runs, are left out and listed in the subtitle).</param>
    /// <param name="lowerIsBetter">True for a loss, false for an accuracy.</param>
    public static GenericChart LearningRateSweep(IReadOnlyList<double> learningRates, IReadOnlyList<double> metric,
        string metricName = "validation loss after training", bool lowerIsBetter = true, bool logY = false, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(learningRates);
        ArgumentNullException.ThrowIfNull(metric);
        if (learningRates.Count != metric.Count || learningRates.Count == 0)
        {
            throw new ArgumentException($"Expected one metric per learning rate, got {learningRates.Count} rates and {metric.Count} values.", nameof(metric));
        }
        int[] finite = Enumerable.Range(0, metric.Count).Where(i => double.IsFinite(metric[i]) && learningRates[i] > 0).ToArray();
        string[] diverged = Enumerable.Range(0, metric.Count).Except(finite).Select(i => learningRates[i].ToString("G3")).ToArray();
        double[] xs = finite.Select(i => learningRates[i]).ToArray();
        double[] ys = finite.Select(i => metric[i]).ToArray();
        GenericChart line = Plotly.NET.CSharp.Chart.Line<double, double, string>(x: xs, y: ys, Name: metricName, ShowMarkers: true)
            .WithTraceProperties(("hovertemplate", "learning rate %{x:.3g}<br>" + metricName + " %{y:.4f}<extra></extra>"));
        var charts = new List<GenericChart> { line };
        if (ys.Length > 0)
        {
            int best = 0;
            for (int i = 1; i < ys.Length; i++)
            {
                if (lowerIsBetter ? ys[i] < ys[best] : ys[i] > ys[best])
                {
                    best = i;
                }
            }
            charts.Add(Plotly.NET.CSharp.Chart.Point<double, double, string>(x: [xs[best]], y: [ys[best]], Name: $"best: {xs[best]:G3}",
                    MarkerColor: Color.fromString(MistakeColor), MarkerSymbol: StyleParam.MarkerSymbol.Star)
                .WithTraceProperties(("marker", Plot.Obj(("size", 16), ("color", MistakeColor), ("symbol", "star"))),
                    ("hovertemplate", "best learning rate %{x:.3g}<br>" + metricName + " %{y:.4f}<extra></extra>")));
        }
        return Plotly.NET.CSharp.Chart.Combine(charts)
            .WithTitleText(title ?? "Learning-rate sweep", diverged.Length > 0 ? "diverged (left out): " + string.Join(", ", diverged) : null)
            .WithXAxis("learning rate (log scale)", "log", more: [("exponentformat", "power")])
            .WithYAxis(metricName, logY ? "log" : null);
    }
}

using Plotly.NET;

namespace NeuralNet.Plots;

public static partial class Charts
{
    /// <summary>
    /// A hyper-parameter sweep: a metric (e.g. validation accuracy) against the value of one setting, one line per
    /// combination of the other swept settings. Numeric values on a linear or log axis, others (optimiser names,
    /// layer sizes) as categories in the order given. Missing values (failed or diverged runs) are left out.
    /// </summary>
    /// <param name="parameter">The setting on the x axis, e.g. "--batch-size".</param>
    /// <param name="series">Per line: its legend name, the x values (as text) and the metric at each (NaN: left out).</param>
    /// <param name="logX">Log x axis (for learning rates and weight decays, which are tried by factors).</param>
    /// <param name="percent">The metric is a fraction in [0, 1], shown as %.</param>
    public static GenericChart HyperParameterSweep(string parameter, IEnumerable<(string Name, IReadOnlyList<string> Values, IReadOnlyList<double> Metric)> series,
        string metricName = "validation accuracy", bool logX = false, bool percent = true, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var lines = series.ToList();
        bool numeric = lines.All(s => s.Values.All(v => double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)));
        var charts = new List<GenericChart>();
        foreach ((string? name, IReadOnlyList<string>? values, IReadOnlyList<double>? metric) in lines)
        {
            if (values.Count != metric.Count) throw new ArgumentException($"Series '{name}': {values.Count} values but {metric.Count} metrics.", nameof(series));
            int[] kept = Enumerable.Range(0, values.Count).Where(i => double.IsFinite(metric[i])).ToArray();
            double[] ys = kept.Select(i => percent ? 100 * metric[i] : metric[i]).ToArray();
            string hover = $"{parameter} %{{x}}<br>{metricName} %{{y:.{(percent ? 2 : 4)}f}}{(percent ? "%" : "")}<extra>{name}</extra>";
            charts.Add(numeric
                ? Plotly.NET.CSharp.Chart.Line<double, double, string>(x: kept.Select(i => double.Parse(values[i], System.Globalization.CultureInfo.InvariantCulture)).ToArray(), y: ys, Name: name, ShowMarkers: true)
                    .WithTraceProperties(("hovertemplate", hover))
                : Plotly.NET.CSharp.Chart.Line<string, double, string>(x: kept.Select(i => values[i]).ToArray(), y: ys, Name: name, ShowMarkers: true)
                    .WithTraceProperties(("hovertemplate", hover)));
        }
        return Plotly.NET.CSharp.Chart.Combine(charts)
            .WithTitleText(title ?? $"{metricName} against {parameter}")
            .WithXAxis(parameter + (logX ? " (log scale)" : ""), numeric ? (logX ? "log" : "linear") : "category", more: logX ? [("exponentformat", "power")] : [])
            .WithYAxis(metricName + (percent ? " (%)" : ""))
            .WithLayout(("showlegend", lines.Count > 1));
    }
}

using NeuralNet.Teaching;
using Plotly.NET;

namespace NeuralNet.Plots;

public static partial class Charts
{
    /// <summary>
    /// Speed of matrix-product kernels as horizontal bars of GFLOP/s on a log axis (so a 100x gap and a 2x
    /// gap both stay readable), the first step on top, with dashed vertical lines for the machine's ceilings
    /// (e.g. the peak of one core and of all cores).
    /// </summary>
    /// <param name="steps">Each kernel's name and measured GFLOP/s, in the order to show them.</param>
    /// <param name="ceilings">Named limits to draw as lines, e.g. ("peak, 1 core", 134).</param>
    public static GenericChart Throughput(IReadOnlyList<(string Step, double Gflops)> steps,
        IReadOnlyList<(string Name, double Gflops)>? ceilings = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0) throw new ArgumentException("Expected at least one step.", nameof(steps));
        ceilings ??= [];
        var shapes = ceilings.Select((c, i) => Plot.Shape(("type", "line"), ("yref", "paper"), ("y0", 0), ("y1", 1), ("xref", "x"),
            ("x0", c.Gflops), ("x1", c.Gflops), ("line", Plot.Obj(("color", i == 0 ? MistakeColor : "#7f7f7f"), ("dash", "dash"), ("width", 2))))).ToList();
        // Labels stacked above the plot, one row each, so that two nearby lines (1 and 2 cores) do not overwrite each other.
        var labels = ceilings.Select((c, i) => Plot.Annotation(("x", Math.Log10(c.Gflops)), ("xref", "x"), ("y", 1.01 + 0.07 * i), ("yref", "paper"),
            ("yanchor", "bottom"), ("xanchor", "center"), ("textangle", 0), ("showarrow", false),
            ("text", $"{c.Name}: {c.Gflops:F0}"), ("font", Plot.Obj(("size", 11), ("color", i == 0 ? MistakeColor : "#555"))))).ToList();
        double max = Math.Max(steps.Max(s => s.Gflops), ceilings.Select(c => c.Gflops).DefaultIfEmpty(1).Max());
        double min = Math.Max(1e-3, steps.Min(s => s.Gflops));
        return Plotly.NET.CSharp.Chart.Bar<double, string, string>(values: steps.Select(s => s.Gflops), Keys: steps.Select(s => s.Step).ToArray(),
                Name: "GFLOP/s", MarkerColor: Color.fromString(Plot.Palette[0]))
            .WithTraceProperties(("text", steps.Select(s => s.Gflops.ToString(s.Gflops < 10 ? "F2" : "F0")).ToArray()), ("textposition", "outside"),
                ("hovertemplate", "%{y}<br>%{x:.2f} GFLOP/s<extra></extra>"))
            .WithTitleText(title ?? "Matrix product, step by step")
            .WithXAxis("GFLOP/s (log scale)", "log", more: [("range", new[] { Math.Log10(min / 2), Math.Log10(max * 3) })])
            .WithYAxis("", "category", more: [("autorange", "reversed"), ("automargin", true)])
            .WithLayout(("shapes", shapes), ("annotations", labels), ("showlegend", false),
                ("margin", Plot.Obj(("t", 90 + 25 * ceilings.Count), ("l", 200))))
            .WithPixelSize(820, Math.Max(320, 40 * steps.Count + 160));
    }

    /// <summary>
    /// Where a training step's time goes: one horizontal bar per part (forward per layer, loss, backward per
    /// layer, the update) in microseconds, forward blue, backward orange, the rest grey, each with its share of the step.
    /// </summary>
    public static GenericChart StepProfile(IReadOnlyList<StepPart> parts, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("Expected at least one part.", nameof(parts));
        double total = parts.Sum(p => p.Seconds);
        string Colour(string name) => name.StartsWith("forward") ? Plot.Palette[0] : name.StartsWith("backward") ? Plot.Palette[1] : "#7f7f7f";
        return Plotly.NET.CSharp.Chart.Bar<double, string, string>(values: parts.Select(p => p.Seconds * 1e6), Keys: parts.Select(p => p.Name).ToArray(), Name: "µs")
            .WithTraceProperties(("marker", Plot.Obj(("color", parts.Select(p => Colour(p.Name)).ToArray()))),
                ("text", parts.Select(p => $"{100 * p.Seconds / total:F0}%").ToArray()), ("textposition", "outside"),
                ("hovertemplate", "%{y}<br>%{x:.1f} µs<extra></extra>"))
            .WithTitleText(title ?? "Where a training step's time goes", $"{total * 1e6:F0} µs per step in all")
            .WithXAxis("µs per step", more: [("range", new[] { 0, parts.Max(p => p.Seconds) * 1e6 * 1.2 })])
            .WithYAxis("", "category", more: [("autorange", "reversed"), ("automargin", true)])
            .WithLayout(("showlegend", false), ("margin", Plot.Obj(("l", 200))))
            .WithPixelSize(820, Math.Max(320, 32 * parts.Count + 140));
    }

    /// <summary>Plain vertical bars: one value per named key, e.g. time per image for each batch size.</summary>
    public static GenericChart Columns(IReadOnlyList<string> keys, IReadOnlyList<double> values, string xTitle, string yTitle, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (keys.Count != values.Count)
            throw new ArgumentException($"Expected one value per key, got {keys.Count} keys and {values.Count} values.", nameof(values));
        return Plotly.NET.CSharp.Chart.Column<double, string, string>(values: values, Keys: keys.ToArray(), Name: yTitle,
                MarkerColor: Color.fromString(Plot.Palette[0]))
            .WithTraceProperties(("text", values.Select(v => v.ToString(Math.Abs(v) < 10 ? "G3" : "F0")).ToArray()), ("textposition", "outside"),
                ("hovertemplate", "%{x}<br>%{y:.3g}<extra></extra>"))
            .WithTitleText(title ?? yTitle)
            .WithXAxis(xTitle, "category")
            .WithYAxis(yTitle, more: [("range", new[] { 0, values.DefaultIfEmpty(1).Max() * 1.2 })])
            .WithPixelSize(640, 400);
    }
}

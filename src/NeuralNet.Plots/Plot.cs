using DynamicObj;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNet.Plots;

/// <summary>
/// Small helpers that set the Plotly properties the typed C# API does not reach (titles, axes, hover
/// templates, annotations, shapes) and turn charts into HTML pages. Plotly's JSON names are used as they are,
/// so the plotly.js reference (https://plotly.com/javascript/reference/) documents every key.
/// </summary>
public static class Plot
{
    /// <summary>Colours used for runs and classes, one per series, in order (plotly's default palette).</summary>
    public static readonly string[] Palette =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    /// <summary>A colour from <see cref="Palette"/>, wrapping around.</summary>
    public static string ColorAt(int index) => Palette[((index % Palette.Length) + Palette.Length) % Palette.Length];

    /// <summary>A property bag that serialises to a JSON object with the given keys.</summary>
    public static DynamicObj.DynamicObj Obj(params (string Key, object? Value)[] properties) => Set(new DynamicObj.DynamicObj(), properties);

    /// <summary>Sets layout properties in place (e.g. <c>("title", Obj(("text", "Loss")))</c>) and returns the chart.</summary>
    public static GenericChart WithLayout(this GenericChart chart, params (string Key, object? Value)[] properties)
    {
        Set(GenericChart.getLayout(chart), properties);
        return chart;
    }

    /// <summary>Sets properties on every trace (e.g. <c>("hovertemplate", "%{y}")</c>) and returns the chart.</summary>
    public static GenericChart WithTraceProperties(this GenericChart chart, params (string Key, object? Value)[] properties) =>
        chart.WithTraceProperties((_, _) => properties);

    /// <summary>Sets properties on each trace, chosen per trace by its index.</summary>
    public static GenericChart WithTraceProperties(this GenericChart chart, Func<int, Trace, (string Key, object? Value)[]> properties)
    {
        int index = 0;
        foreach (Trace trace in GenericChart.getTraces(chart))
        {
            Set(trace, properties(index, trace));
            index++;
        }
        return chart;
    }

    /// <summary>Sets the chart's title (with an optional smaller subtitle line).</summary>
    public static GenericChart WithTitleText(this GenericChart chart, string title, string? subtitle = null) =>
        chart.WithLayout(("title", Obj(
            ("text", subtitle is null ? title : $"{title}<br><sup>{subtitle}</sup>"),
            ("x", 0.5),
            ("xanchor", "center"))));

    /// <summary>Sets the title and type ("linear", "log", "category") of the x axis (axis 1 unless given).</summary>
    public static GenericChart WithXAxis(this GenericChart chart, string title, string? type = null, int axis = 1, params (string Key, object? Value)[] more) =>
        chart.WithAxis(axis == 1 ? "xaxis" : $"xaxis{axis}", title, type, more);

    /// <summary>Sets the title and type ("linear", "log", "category") of the y axis (axis 1 unless given).</summary>
    public static GenericChart WithYAxis(this GenericChart chart, string title, string? type = null, int axis = 1, params (string Key, object? Value)[] more) =>
        chart.WithAxis(axis == 1 ? "yaxis" : $"yaxis{axis}", title, type, more);

    private static GenericChart WithAxis(this GenericChart chart, string name, string title, string? type, (string Key, object? Value)[] more)
    {
        Layout layout = GenericChart.getLayout(chart);
        DynamicObj.DynamicObj axis = layout.TryGetPropertyValue(name) is { } existing && existing.Value is DynamicObj.DynamicObj obj
            ? obj
            : new LinearAxis();
        axis.SetProperty("title", Obj(("text", title)));
        if (type is not null)
        {
            axis.SetProperty("type", type);
        }
        layout.SetProperty(name, Set(axis, more));
        return chart;
    }

    /// <summary>Sets the chart's size in pixels.</summary>
    public static GenericChart WithPixelSize(this GenericChart chart, int width, int height) =>
        chart.WithLayout(("width", width), ("height", height));

    /// <summary>
    /// The chart alone on a page (<see cref="HtmlPage"/>, the chart from <see cref="HtmlPage.Chart"/>). With
    /// <paramref name="embedPlotlyJs"/> (the default) plotly.js is inlined (≈ 3.6 MB), so the page draws offline;
    /// without it the chart loads plotly.js from the web.
    /// </summary>
    public static string ToHtml(this GenericChart chart, bool embedPlotlyJs = true, string title = "NeuralNet chart") =>
        HtmlPage.SingleFile(title, HtmlPage.Chart(chart, "chart"), inlinePlotlyJs: embedPlotlyJs);

    /// <summary>Writes <see cref="ToHtml"/> to <paramref name="path"/> (atomically, see <see cref="NeuralNet.Data.AtomicFile"/>) and returns the full path.</summary>
    public static string SaveHtml(this GenericChart chart, string path, bool embedPlotlyJs = true)
    {
        string full = Path.GetFullPath(path);
        NeuralNet.Data.AtomicFile.WriteAllText(full, chart.ToHtml(embedPlotlyJs, Path.GetFileNameWithoutExtension(full)));
        return full;
    }

    /// <summary>The chart's data and layout as plotly JSON (what plotly.js receives).</summary>
    public static string ToJson(this GenericChart chart) => GenericChart.toJson(chart);

    internal static Annotation Annotation(params (string Key, object? Value)[] properties) => Set(new Annotation(), properties);

    internal static Shape Shape(params (string Key, object? Value)[] properties) => Set(new Shape(), properties);

    // Plotly.NET's objects are property bags: set each given key (a null value is left out) and hand the bag back.
    private static T Set<T>(T target, (string Key, object? Value)[] properties) where T : DynamicObj.DynamicObj
    {
        foreach ((string? key, object? value) in properties)
        {
            if (value is not null)
            {
                target.SetProperty(key, value);
            }
        }
        return target;
    }
}

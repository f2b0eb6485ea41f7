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

    /// <summary>The most characters a title line holds before it wraps: about 500 pixels at plotly.js's 17-pixel title font.</summary>
    public const int TitleLineLength = 56;

    /// <summary>The most characters a subtitle line (a smaller font) holds before it wraps.</summary>
    public const int SubtitleLineLength = 80;

    /// <summary>
    /// Sets the chart's title (with an optional smaller subtitle). plotly.js never wraps a title, so a long one is
    /// broken into lines here (at spaces, <see cref="TitleLineLength"/> characters at most) to fit a narrow output
    /// column such as VS Code's, and the top margin grows to hold them.
    /// </summary>
    public static GenericChart WithTitleText(this GenericChart chart, string title, string? subtitle = null)
    {
        string text = WrapLine(title, TitleLineLength);
        if (subtitle is not null)
        {
            text += "<br><sup>" + WrapLine(subtitle, SubtitleLineLength).Replace("<br>", "</sup><br><sup>", StringComparison.Ordinal) + "</sup>";
        }

        return chart.FitToColumn().WithLayout(("title", Obj(
            ("text", text),
            ("x", 0.5),
            ("xanchor", "center"),
            // The title sits at the top of the figure and pushes the plot down as far as its lines need.
            ("yref", "container"),
            ("automargin", true))));
    }

    /// <summary>Breaks <paramref name="text"/> at spaces into lines of at most <paramref name="length"/> characters, joined by <c>&lt;br&gt;</c>; a line already broken by <c>&lt;br&gt;</c> is kept so.</summary>
    public static string WrapLine(string text, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var lines = new List<string>();
        foreach (string given in text.Split("<br>"))
        {
            var line = new System.Text.StringBuilder();
            foreach (string word in given.Split(' '))
            {
                if (line.Length > 0 && VisibleLength(line.ToString()) + 1 + VisibleLength(word) > length)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }

                line.Append(line.Length > 0 ? " " : "").Append(word);
            }

            lines.Add(line.ToString());
        }

        return string.Join("<br>", lines);
    }

    // What a line shows: plotly.js's few tags (<b>, <sup>, ...) take no room.
    private static int VisibleLength(string text) => System.Text.RegularExpressions.Regex.Replace(text, "<[^>]*>", "").Length;

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

    /// <summary>The layout's <c>meta</c> key that keeps the width a chart was designed for (see <see cref="WithPixelSize"/>).</summary>
    public const string PreferredWidthKey = "preferredWidth";

    /// <summary>
    /// Sets the chart's height, and the width it was designed for as the most it takes. The figure carries no fixed
    /// width (plotly.js fills its container), so it fits a narrow column such as VS Code's output; a page made by
    /// <see cref="ToHtml"/> or the book keeps it at most <paramref name="width"/> pixels wide (from
    /// <c>layout.meta.preferredWidth</c>).
    /// </summary>
    public static GenericChart WithPixelSize(this GenericChart chart, int width, int height)
    {
        GenericChart.getLayout(chart).RemoveProperty("width");
        return chart.WithLayout(("height", height), ("autosize", true), ("meta", Obj((PreferredWidthKey, width))));
    }

    /// <summary>
    /// Turns a fixed width (Plotly.NET gives every chart 600 pixels) into the most the chart takes: the figure fills its
    /// container up to that width (see <see cref="WithPixelSize"/>). <see cref="WithTitleText"/> does it for every titled chart.
    /// </summary>
    public static GenericChart FitToColumn(this GenericChart chart)
    {
        Layout layout = GenericChart.getLayout(chart);
        if (layout.TryGetPropertyValue("width") is { } width && width.Value is int pixels)
        {
            int height = layout.TryGetPropertyValue("height") is { } h && h.Value is int given ? given : 450;
            return chart.WithPixelSize(pixels, height);
        }

        return chart;
    }

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

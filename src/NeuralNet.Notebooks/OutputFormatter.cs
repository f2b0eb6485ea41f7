using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Plotly.NET;

namespace NeuralNet.Notebooks;

/// <summary>Content that is already in a given MIME type (what <c>DisplayAs</c> shows).</summary>
internal sealed record RawContent(string Value, string MimeType);

/// <summary>
/// Formats a value the way .NET Interactive's C# kernel shows it: Plotly.NET charts as HTML that draws
/// with plotly.js, strings and numbers as text, sequences and plain objects as HTML tables (with a text
/// form beside them), anything with its own <see cref="object.ToString"/> as that text.
/// </summary>
public static partial class OutputFormatter
{
    /// <summary>The plain-text MIME type.</summary>
    public const string PlainText = "text/plain";

    /// <summary>The HTML MIME type.</summary>
    public const string Html = "text/html";

    /// <summary>The plotly.js release embedded in Plotly.NET 6 and loaded by chart outputs.</summary>
    public const string PlotlyJsVersion = "2.28.0";

    /// <summary>Marks a chart output's HTML, so that a book page knows to load plotly.js.</summary>
    public const string ChartMarker = "data-nn-plotly-chart";

    private const int MaxItems = 20;

    /// <summary>Formats <paramref name="value"/> as a display output.</summary>
    /// <param name="value">The value; null shows as <c>&lt;null&gt;</c>.</param>
    /// <param name="mimeTypes">The MIME types asked for, or none for the default.</param>
    public static CellOutput Format(object? value, params string[] mimeTypes)
    {
        var data = FormatData(value);
        if (mimeTypes is { Length: > 0 })
        {
            var wanted = new Dictionary<string, string>();
            foreach (var mimeType in mimeTypes)
            {
                wanted[mimeType] = value is not null && Microsoft.DotNet.Interactive.Formatting.Formatter.TryFormat(value, mimeType, out var registered) ? registered
                    : data.TryGetValue(mimeType, out var content)
                    ? content
                    : mimeType == Html ? $"<pre>{WebUtility.HtmlEncode(ToPlainText(value))}</pre>" : ToPlainText(value);
            }

            data = wanted;
        }

        return CellOutput.Display(data);
    }

    /// <summary>The text form of <paramref name="value"/>, as the kernel writes it in <c>text/plain</c>.</summary>
    public static string ToPlainText(object? value) => value switch
    {
        null => "<null>",
        string text => text,
        RawContent raw => raw.Value,
        HtmlString html => html.Value,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        GenericChart => "Plotly.NET.GenericChart",
        IEnumerable sequence => SequenceText(sequence),
        _ when HasOwnToString(value.GetType()) => value.ToString() ?? "",
        _ => PropertiesText(value),
    };

    private static Dictionary<string, string> FormatData(object? value)
    {
        var data = DefaultData(value);
        if (value is null || Microsoft.DotNet.Interactive.Formatting.Formatter.PreferredMimeTypesFor(value.GetType()) is not { } preferred)
        {
            return data;
        }

        // Formatter.SetPreferredMimeTypesFor: one output with every MIME type set, each from a registered
        // formatter where there is one, else the runner's own form.
        var chosen = new Dictionary<string, string>();
        foreach (var mimeType in preferred)
        {
            chosen[mimeType] = Microsoft.DotNet.Interactive.Formatting.Formatter.TryFormat(value, mimeType, out var text) ? text
                : data.TryGetValue(mimeType, out var own) ? own
                : mimeType == Html ? $"<pre>{WebUtility.HtmlEncode(ToPlainText(value))}</pre>" : ToPlainText(value);
        }

        return chosen;
    }

    private static Dictionary<string, string> DefaultData(object? value)
    {
        switch (value)
        {
            case RawContent raw:
                return new() { [raw.MimeType] = raw.Value };
            case HtmlString html:
                return new() { [Html] = html.Value };
            case GenericChart chart:
                return new() { [Html] = ChartHtml(chart) };
            case null or string or IFormattable or bool or char:
                return new() { [PlainText] = ToPlainText(value) };
            case IEnumerable sequence:
                return new() { [Html] = SequenceTable(sequence), [PlainText] = SequenceText(sequence) };
            default:
                var type = value.GetType();
                if (HasOwnToString(type) || PublicProperties(type).Length == 0)
                {
                    return new() { [PlainText] = ToPlainText(value) };
                }

                return new() { [Html] = PropertiesTable(value), [PlainText] = PropertiesText(value) };
        }
    }

    /// <summary>
    /// The HTML of a chart: Plotly.NET's own markup, drawn at once where plotly.js is already on the page
    /// (a book page), else after loading plotly.js like Plotly.NET.Interactive does (require.js in Jupyter,
    /// a script tag elsewhere, for example in VS Code).
    /// </summary>
    public static string ChartHtml(GenericChart chart)
    {
        var html = ToChartHtmlFast(chart);
        var match = RenderCall().Match(html);
        if (!match.Success)
        {
            return html;
        }

        var render = match.Groups["fn"].Value;
        var cdn = $"https://cdn.plot.ly/plotly-{PlotlyJsVersion}.min";
        var loader = $$"""
            (function () {
                var draw = function (plotly) { if (plotly) { window.Plotly = plotly; } {{render}}(); };
                if (window.Plotly) { draw(); return; }
                if (typeof window.requirejs === 'function') {
                    window.requirejs.config({ paths: { plotly: '{{cdn}}' } });
                    window.requirejs(['plotly'], draw);
                    return;
                }
                var script = document.createElement('script');
                script.src = '{{cdn}}.js';
                script.onload = function () { draw(); };
                document.head.appendChild(script);
            })();
            """;
        return $"<div {ChartMarker}=\"{PlotlyJsVersion}\">" + html[..match.Index] + loader + html[(match.Index + match.Length)..] + "</div>";
    }

    private static readonly Lock TemplateGate = new();
    private static readonly List<(DynamicObj.DynamicObj Template, string Json)> TemplateJson = [];

    // Plotly.NET puts its default template (8 KB of nested dynamic objects) into every chart's layout and
    // serialises it each time, which takes a good part of a second; a training chart updated every epoch would
    // spend most of its time there. Each distinct template (every chart holds its own copy, so they are compared
    // by structure, ~2 ms) is serialised once and spliced in: the layout holds an empty template while
    // Plotly.NET writes the chart, and gets its own back right after.
    private static string ToChartHtmlFast(GenericChart chart)
    {
        var layout = GenericChart.getLayout(chart);
        lock (TemplateGate)
        {
            if (layout.TryGetPropertyValue("template") is not { Value: DynamicObj.DynamicObj template })
            {
                return GenericChart.toChartHTML(chart);
            }

            var json = TemplateJson.FirstOrDefault(t => t.Template.StructurallyEquals(template)).Json;
            if (json is null)
            {
                json = Newtonsoft.Json.JsonConvert.SerializeObject(template);
                TemplateJson.Insert(0, (template, json));
                if (TemplateJson.Count > 8)
                {
                    TemplateJson.RemoveAt(TemplateJson.Count - 1);
                }
            }

            layout.SetProperty("template", new Template());
            try
            {
                var html = GenericChart.toChartHTML(chart);
                const string empty = "\"template\":{}";
                var at = html.IndexOf(empty, StringComparison.Ordinal);
                return at < 0 ? html : string.Concat(html.AsSpan(0, at), "\"template\":", json, html.AsSpan(at + empty.Length));
            }
            finally
            {
                layout.SetProperty("template", template);
            }
        }
    }

    [GeneratedRegex(@"(?<fn>renderPlotly_[0-9a-fA-F]+)\(\);\s*(?=</script>)")]
    private static partial Regex RenderCall();

    private static bool HasOwnToString(Type type) =>
        type.GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType is { } declaring
        && declaring != typeof(object) && declaring != typeof(ValueType)
        && !IsCompilerRecordToString(type) && !IsAnonymous(type);

    // Anonymous types and records list their properties in ToString; like the kernel, show them as a table.
    private static bool IsAnonymous(Type type) =>
        type.Name.Contains("AnonymousType", StringComparison.Ordinal)
        && type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false);

    // A record's generated ToString lists its properties, which the table shows better.
    private static bool IsCompilerRecordToString(Type type) =>
        type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null;

    private static PropertyInfo[] PublicProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanRead && property.GetIndexParameters().Length == 0)
            .ToArray();

    private static object? Read(PropertyInfo property, object target)
    {
        try
        {
            return property.GetValue(target);
        }
        catch (TargetInvocationException e)
        {
            return $"({e.InnerException?.GetType().Name ?? "error"})";
        }
    }

    private static string Cell(object? value) => WebUtility.HtmlEncode(ShortText(value));

    private static string ShortText(object? value) => value switch
    {
        null => "<null>",
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable sequence => SequenceText(sequence),
        _ => value.ToString() ?? "",
    };

    private static string PropertiesTable(object value)
    {
        var html = new StringBuilder("<table><thead><tr><th>Property</th><th>Value</th></tr></thead><tbody>");
        foreach (var property in PublicProperties(value.GetType()))
        {
            html.Append($"<tr><td>{WebUtility.HtmlEncode(property.Name)}</td><td>{Cell(Read(property, value))}</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static string PropertiesText(object value) =>
        value.GetType().Name + " { " + string.Join(", ", PublicProperties(value.GetType())
            .Select(property => $"{property.Name} = {ShortText(Read(property, value))}")) + " }";

    private static (List<object?> Items, bool More) Take(IEnumerable sequence)
    {
        var items = new List<object?>();
        foreach (var item in sequence)
        {
            if (items.Count == MaxItems)
            {
                return (items, true);
            }

            items.Add(item);
        }

        return (items, false);
    }

    private static string SequenceText(IEnumerable sequence)
    {
        var (items, more) = Take(sequence);
        return "[ " + string.Join(", ", items.Select(item => item is IEnumerable and not string ? item.GetType().Name : ShortText(item)))
            + (more ? ", ..." : "") + " ]";
    }

    private static string SequenceTable(IEnumerable sequence)
    {
        var (items, more) = Take(sequence);
        var itemType = items.FirstOrDefault(item => item is not null)?.GetType();
        var columns = itemType is null || IsScalar(itemType) || HasOwnToString(itemType)
            ? []
            : PublicProperties(itemType);

        var html = new StringBuilder("<table><thead><tr><th><i>index</i></th>");
        html.Append(columns.Length == 0 ? "<th>value</th>" : string.Concat(columns.Select(c => $"<th>{WebUtility.HtmlEncode(c.Name)}</th>")));
        html.Append("</tr></thead><tbody>");
        for (var i = 0; i < items.Count; i++)
        {
            html.Append($"<tr><td>{i}</td>");
            if (columns.Length == 0 || items[i] is not { } item || item.GetType() != itemType)
            {
                html.Append($"<td>{Cell(items[i])}</td>");
            }
            else
            {
                html.Append(string.Concat(columns.Select(c => $"<td>{Cell(Read(c, item))}</td>")));
            }

            html.Append("</tr>");
        }

        if (more)
        {
            html.Append($"<tr><td colspan=\"{Math.Max(2, columns.Length + 1)}\">(more items not shown)</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || typeof(IFormattable).IsAssignableFrom(type);
}

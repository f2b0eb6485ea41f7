using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.DotNet.Interactive;
using Plotly.NET;

namespace NeuralNet.Notebooks;

/// <summary>Content that is already in a given MIME type (what <c>DisplayAs</c> shows).</summary>
internal sealed record RawContent(string Value, string MimeType);

/// <summary>
/// Formats a value the way .NET Interactive's C# kernel shows it: Plotly.NET charts as HTML that draws
/// with plotly.js (<see cref="HtmlPage.Chart"/>), strings and numbers as text, sequences and plain objects as HTML tables (with a text
/// form beside them), anything with its own <see cref="object.ToString"/> as that text.
/// </summary>
public static class OutputFormatter
{
    /// <summary>The plain-text MIME type.</summary>
    public const string PlainText = "text/plain";

    /// <summary>The HTML MIME type.</summary>
    public const string Html = "text/html";

    private const int MaxItems = 20;

    /// <summary>Formats <paramref name="value"/> as a display output.</summary>
    /// <param name="value">The value; null shows as <c>&lt;null&gt;</c>.</param>
    /// <param name="mimeTypes">The MIME types asked for, or none for the default.</param>
    public static CellOutput Format(object? value, params string[] mimeTypes)
    {
        Dictionary<string, string> data = FormatData(value);
        if (mimeTypes is { Length: > 0 })
        {
            var wanted = new Dictionary<string, string>();
            foreach (string mimeType in mimeTypes)
            {
                wanted[mimeType] = value is not null && Microsoft.DotNet.Interactive.Formatting.Formatter.TryFormat(value, mimeType, out string? registered) ? registered
                    : data.TryGetValue(mimeType, out string? content)
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
        Dictionary<string, string> data = DefaultData(value);
        if (value is null || Microsoft.DotNet.Interactive.Formatting.Formatter.PreferredMimeTypesFor(value.GetType()) is not { } preferred)
        {
            return data;
        }

        // Formatter.SetPreferredMimeTypesFor: one output with every MIME type set, each from a registered
        // formatter where there is one, else the runner's own form.
        var chosen = new Dictionary<string, string>();
        foreach (string mimeType in preferred)
        {
            chosen[mimeType] = Microsoft.DotNet.Interactive.Formatting.Formatter.TryFormat(value, mimeType, out string? text) ? text
                : data.TryGetValue(mimeType, out string? own) ? own
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
                return new() { [Html] = HtmlPage.Chart(chart) };
            case null or string or IFormattable or bool or char:
                return new() { [PlainText] = ToPlainText(value) };
            case IEnumerable sequence:
                return new() { [Html] = SequenceTable(sequence), [PlainText] = SequenceText(sequence) };
            default:
                Type type = value.GetType();
                if (HasOwnToString(type) || PublicProperties(type).Length == 0)
                {
                    return new() { [PlainText] = ToPlainText(value) };
                }

                return new() { [Html] = PropertiesTable(value), [PlainText] = PropertiesText(value) };
        }
    }

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
        foreach (PropertyInfo property in PublicProperties(value.GetType()))
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
        foreach (object item in sequence)
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
        (List<object?>? items, bool more) = Take(sequence);
        return "[ " + string.Join(", ", items.Select(item => item is IEnumerable and not string ? item.GetType().Name : ShortText(item)))
            + (more ? ", ..." : "") + " ]";
    }

    private static string SequenceTable(IEnumerable sequence)
    {
        (List<object?>? items, bool more) = Take(sequence);
        Type? itemType = items.FirstOrDefault(item => item is not null)?.GetType();
        PropertyInfo[] columns = itemType is null || IsScalar(itemType) || HasOwnToString(itemType)
            ? []
            : PublicProperties(itemType);

        var html = new StringBuilder("<table><thead><tr><th><i>index</i></th>");
        html.Append(columns.Length == 0 ? "<th>value</th>" : string.Concat(columns.Select(c => $"<th>{WebUtility.HtmlEncode(c.Name)}</th>")));
        html.Append("</tr></thead><tbody>");
        for (int i = 0; i < items.Count; i++)
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

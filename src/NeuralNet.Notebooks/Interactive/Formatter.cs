using System.IO;

// The name of .NET Interactive's own formatter (Microsoft.DotNet.Interactive.Formatting.Formatter), so a script
// that gives a type another representation, such as notebooks/setup.csx giving charts their Plotly JSON,
// compiles unchanged in the kernel and in the runner.
namespace Microsoft.DotNet.Interactive.Formatting;

/// <summary>
/// The notebook runner's stand-in for .NET Interactive's <c>Formatter</c>: the two calls that give a type
/// another MIME representation and make displays carry it. A run starts with none registered, as a fresh
/// kernel does.
/// </summary>
public static class Formatter
{
    private static readonly Lock Gate = new();
    private static readonly List<(Type Type, string MimeType, Action<object, TextWriter> Write)> Formatters = [];
    private static readonly Dictionary<Type, string[]> PreferredMimeTypes = [];

    /// <summary>Registers how values of type <typeparamref name="T"/> are written as <paramref name="mimeType"/>.</summary>
    /// <param name="formatter">Writes a value to the output.</param>
    /// <param name="mimeType">The MIME type it writes (the kernel's default, <c>text/html</c>, when omitted).</param>
    public static void Register<T>(Action<T, TextWriter> formatter, string mimeType = "text/html")
    {
        ArgumentNullException.ThrowIfNull(formatter);
        ArgumentException.ThrowIfNullOrEmpty(mimeType);
        lock (Gate)
        {
            Formatters.RemoveAll(f => f.Type == typeof(T) && f.MimeType == mimeType);
            Formatters.Add((typeof(T), mimeType, (value, writer) => formatter((T)value, writer)));
        }
    }

    /// <summary>Sets the MIME types a displayed value of <paramref name="type"/> (or a subtype) is shown as, all in one output.</summary>
    /// <param name="type">The type.</param>
    /// <param name="preferredMimeTypes">The MIME types, for example <c>text/html</c> and <c>application/vnd.plotly.v1+json</c>.</param>
    public static void SetPreferredMimeTypesFor(Type type, params string[] preferredMimeTypes)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(preferredMimeTypes);
        lock (Gate)
        {
            PreferredMimeTypes[type] = [.. preferredMimeTypes];
        }
    }

    /// <summary>The MIME types set for the value's type or its nearest base type, or null.</summary>
    internal static string[]? PreferredMimeTypesFor(Type type)
    {
        lock (Gate)
        {
            for (Type? t = type; t is not null; t = t.BaseType)
            {
                if (PreferredMimeTypes.TryGetValue(t, out string[]? mimeTypes))
                {
                    return mimeTypes;
                }
            }

            return null;
        }
    }

    /// <summary>Writes <paramref name="value"/> as <paramref name="mimeType"/> with a registered formatter, if one applies.</summary>
    internal static bool TryFormat(object value, string mimeType, out string text)
    {
        Action<object, TextWriter>? write;
        lock (Gate)
        {
            write = Formatters.LastOrDefault(f => f.MimeType == mimeType && f.Type.IsInstanceOfType(value)).Write;
        }

        if (write is null)
        {
            text = "";
            return false;
        }

        using var writer = new StringWriter();
        write(value, writer);
        text = writer.ToString();
        return true;
    }

    /// <summary>Forgets every registration: each notebook run starts like a fresh kernel.</summary>
    internal static void Reset()
    {
        lock (Gate)
        {
            Formatters.Clear();
            PreferredMimeTypes.Clear();
        }
    }
}

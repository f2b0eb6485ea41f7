using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Plotly.NET;

namespace NeuralNet.Notebooks;

/// <summary>
/// What the runner does differently in its Verso profile (<see cref="NotebookRunOptions.Profile"/>), a stand-in for
/// Verso's C# kernel (DataficationSDK/Verso, commit 1bb6fa4), which CI cannot install: cells compile as C# 13 with
/// Verso's imports and its <c>Verso.Abstractions</c> assembly (<see cref="StandInSource"/>: the same public names
/// as Verso's, <c>x.Display(mimeType)</c> returning void), and no .NET Interactive helpers (no <c>display</c>,
/// <c>Kernel</c>, <c>Formatter</c>). A cell fails where Verso would fail it or show it wrong: a relative <c>#r</c> or
/// <c>#load</c> path, anything written to stderr, a chart shown as text, a chart's HTML that needs the network.
/// Each output keeps one MIME type, HTML first, as Verso does.
/// </summary>
internal static class VersoProfile
{
    /// <summary>Verso's default imports (CSharpKernelOptions.StandardImports).</summary>
    public static readonly string[] Imports =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Text", "System.Threading.Tasks", "Verso.Abstractions"];

    /// <summary>The C# version of Verso's Roslyn (4.12).</summary>
    public const LanguageVersion Language = LanguageVersion.CSharp13;

    // The part of Verso.Abstractions a cell can reach, with Verso's names and behaviour (Display/DisplayContext.cs,
    // Display/DisplayExtensions.cs, Models/CellOutput.cs), and one hook for the runner.
    private const string StandInSource = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        namespace Verso.Abstractions
        {
            public sealed record CellOutput(string MimeType, string Content, bool IsError = false, string? ErrorName = null, string? ErrorStackTrace = null);

            public static class DisplayContext
            {
                private static readonly AsyncLocal<Func<object, string?, Task>?> s_current = new();
                internal static Func<object, string?, Task>? Current { get => s_current.Value; set => s_current.Value = value; }
                public static IDisposable SetHandler(Func<object, string?, Task> handler)
                {
                    var previous = s_current.Value;
                    s_current.Value = handler ?? throw new ArgumentNullException(nameof(handler));
                    return new Scope(previous);
                }
                private sealed class Scope(Func<object, string?, Task>? previous) : IDisposable
                {
                    public void Dispose() => s_current.Value = previous;
                }
            }

            public static class DisplayExtensions
            {
                public static void Display(this object? value, string? mimeType = null)
                {
                    if (value is null) return;
                    var handler = DisplayContext.Current ?? throw new InvalidOperationException("Display() can only be called during cell execution.");
                    handler(value, mimeType).GetAwaiter().GetResult();
                }
            }
        }
        """;

    private static readonly Lazy<(Assembly Assembly, MetadataReference Reference)> StandIn = new(Compile);

    /// <summary>The stand-in <c>Verso.Abstractions</c>, for the scripts' references.</summary>
    public static MetadataReference Reference => StandIn.Value.Reference;

    /// <summary>Makes <paramref name="show"/> receive what the running cells display, as Verso's display handler does, until disposed.</summary>
    public static IDisposable SetDisplayHandler(Func<object, string?, Task> show) =>
        (IDisposable)StandIn.Value.Assembly.GetType("Verso.Abstractions.DisplayContext")!
            .GetMethod("SetHandler")!.Invoke(null, [show])!;

    /// <summary>
    /// An output as Verso keeps it: one MIME type (HTML first), or a problem that fails the cell: a chart that Verso
    /// shows as a line of text, or a chart's HTML that loads plotly.js from the web.
    /// </summary>
    public static (CellOutput? Output, string? Problem) Shown(object value, string? mimeType)
    {
        if (value is GenericChart)
        {
            return (null, "a chart would show as one line of text in Verso (its formatters do not know Plotly.NET charts); show it with display(chart)");
        }

        CellOutput formatted = value is string text && mimeType is not null
            ? CellOutput.Display(new Dictionary<string, string> { [mimeType] = text })
            : OutputFormatter.Format(value);
        KeyValuePair<string, string> kept = formatted.Data.OrderBy(d => d.Key == OutputFormatter.Html ? 0 : d.Key == OutputFormatter.PlainText ? 2 : 1).First();
        if (kept.Key == OutputFormatter.Html && kept.Value.Contains("Plotly.newPlot", StringComparison.Ordinal) && !InlinesPlotlyJs(kept.Value))
        {
            return (null, "a chart's HTML loads plotly.js from the web; Verso draws it only with plotly.js inside the output (offline)");
        }

        return (formatted with { Data = new Dictionary<string, string> { [kept.Key] = kept.Value } }, null);
    }

    // plotly.js's own banner, at the top of the file Plotly.NET embeds.
    private static bool InlinesPlotlyJs(string html) => html.Contains("plotly.js v", StringComparison.Ordinal) && html.Length > 1_000_000;

    private static (Assembly, MetadataReference) Compile()
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string[] assemblies = ["System.Runtime.dll", "System.Private.CoreLib.dll", "System.Threading.dll"];
        MetadataReference[] references = assemblies
            .Select(name => Path.Combine(runtime, name)).Where(File.Exists)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();
        var compilation = CSharpCompilation.Create("Verso.Abstractions",
            [CSharpSyntaxTree.ParseText(StandInSource, new CSharpParseOptions(Language))], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException("The Verso stand-in did not compile: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        byte[] bytes = image.ToArray();
        var assembly = Assembly.Load(bytes);
        // An assembly loaded from bytes is not found by name: the cells compiled against it bind to this copy.
        AppDomain.CurrentDomain.AssemblyResolve += (_, request) => new AssemblyName(request.Name).Name == "Verso.Abstractions" ? assembly : null;
        return (assembly, MetadataReference.CreateFromImage(bytes));
    }
}

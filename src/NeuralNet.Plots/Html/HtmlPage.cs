using System.Net;
using System.Reflection;
using System.Text;
using NeuralNet.Data;

#if NOTEBOOK_RUNNER
namespace NeuralNet.Notebooks;
#else
namespace NeuralNet.Plots;
#endif

/// <summary>
/// The one page shell for everything NeuralNet writes as HTML: the book's chapters and contents
/// (<c>nn notebooks export</c>), <c>nn</c>'s reports, and a chart saved on its own (<c>Plot.SaveHtml</c>).
/// Every page gets the same style sheet (<see cref="Style"/>), plotly.js once and only when it shows a chart
/// (<see cref="Chart"/>), and KaTeX only when it has a formula.
/// </summary>
// The notebook runner compiles the files of this class into itself, as an internal class in its own namespace
// (as it does with AtomicFile): it must not reference the library, because the chapters it runs load their own build.
#if NOTEBOOK_RUNNER
internal
#else
public
#endif
static partial class HtmlPage
{
    /// <summary>The plotly.js release Plotly.NET 6 embeds and makes its charts for.</summary>
    public const string PlotlyJsVersion = "2.28.0";

    /// <summary>plotly.js's file name, in Plotly.NET's resources and in a folder of pages.</summary>
    public const string PlotlyJsFileName = $"plotly-{PlotlyJsVersion}.min.js";

    /// <summary>The style sheet's file name in a folder of pages.</summary>
    public const string StyleSheetFileName = "book.css";

    /// <summary>
    /// A page that is one file: the style sheet and, when the body holds a chart, plotly.js inline (≈ 3.6 MB), so it
    /// opens offline and can be mailed. Without <paramref name="inlinePlotlyJs"/> each chart loads plotly.js from the web.
    /// Formulas are not typeset here (KaTeX lives in a book's folder).
    /// </summary>
    public static string SingleFile(string title, string body, bool inlinePlotlyJs = true)
    {
        var head = new StringBuilder($"<style>\n{Style}</style>\n");
        if (inlinePlotlyJs && HasChart(body))
        {
            head.Append($"<script type=\"text/javascript\">{PlotlyJsInline()}</script>\n");
        }

        return Shell(title, head.ToString(), body);
    }

    /// <summary>
    /// A page of a folder that holds the shared files: the style sheet and plotly.js (<see cref="WriteAssets"/>) and
    /// <c>katex/</c> (the book writes it). Each is linked only where the body needs it.
    /// </summary>
    public static string InFolder(string title, string body)
    {
        var head = new StringBuilder($"<link rel=\"stylesheet\" href=\"{StyleSheetFileName}\">\n");
        if (HasMath(body))
        {
            // $x$ is marked <span class="math">\(x\)</span> and $$x$$ is \[x\]; code cells and outputs are left alone.
            head.Append("<link rel=\"stylesheet\" href=\"katex/katex.min.css\">\n")
                .Append("<script defer src=\"katex/katex.min.js\"></script>\n")
                .Append("<script defer src=\"katex/contrib/auto-render.min.js\" onload=\"renderMathInElement(document.body,{delimiters:[")
                .Append("{left:'\\\\[',right:'\\\\]',display:true},{left:'\\\\(',right:'\\\\)',display:false}],")
                .Append("ignoredClasses:['cell','output'],throwOnError:false});\"></script>\n");
        }

        if (HasChart(body))
        {
            head.Append($"<script src=\"{PlotlyJsFileName}\"></script>\n");
        }

        return Shell(title, head.ToString(), body);
    }

    /// <summary>Writes the files <see cref="InFolder"/> pages link to: the style sheet, plotly.js and its licence.</summary>
    public static void WriteAssets(string folder)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, StyleSheetFileName), Style);
        foreach (string file in new[] { PlotlyJsFileName, PlotlyJsFileName + ".LICENSE.txt" })
        {
            using Stream stream = OpenPlotlyJs(file);
            AtomicFile.Write(Path.Combine(folder, file), stream.CopyTo);
        }
    }

    /// <summary>Text as HTML (<c>&lt;</c>, <c>&amp;</c>, quotes escaped).</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Shell(string title, string head, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Encode(title)}</title>
        {ScriptErrorHook}
        {head}</head>
        <body>
        <main>
        {body}
        </main>
        </body>
        </html>

        """;

    // Script errors are recorded on <html data-script-errors>, so a headless browser check can read them.
    private const string ScriptErrorHook =
        "<script>window.addEventListener('error',function(e){var d=document.documentElement;" +
        "d.setAttribute('data-script-errors',(d.getAttribute('data-script-errors')||'')+(e.message||'error')+' | ');});</script>";

    // Our charts and Plotly.NET's own markup (saved by the real kernel) both call it.
    private static bool HasChart(string body) => body.Contains("Plotly.newPlot", StringComparison.Ordinal);

    private static bool HasMath(string body) => body.Contains("class=\"math", StringComparison.Ordinal);

    // plotly.js (or, by its name, its licence) as Plotly.NET embeds it: the one copy every page uses.
    private static Stream OpenPlotlyJs(string file)
    {
        Assembly assembly = typeof(Plotly.NET.GenericChart).Assembly;
        return assembly.GetManifestResourceStream($"Plotly.NET.{file}")
            ?? throw new InvalidOperationException($"Plotly.NET {assembly.GetName().Version} does not embed {file}; expected plotly.js {PlotlyJsVersion}.");
    }

    private static string PlotlyJsInline()
    {
        using var reader = new StreamReader(OpenPlotlyJs(PlotlyJsFileName));
        // A literal "</script" inside the inline script would end it early.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The style sheet of every page: the book's chapters, <c>nn</c>'s reports, a chart saved alone.</summary>
    public const string Style = """
        body { margin: 0; background: #fafafa; color: #1f2328; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; }
        main { max-width: 980px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
        nav { font-size: 14px; margin: 8px 0 24px; color: #57606a; }
        footer { margin-top: 3em; color: #57606a; font-size: 14px; }
        a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
        h1, h2, h3 { line-height: 1.25; } h1 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
        h2 { margin-top: 1.6em; }
        .headline { font-size: 1.2em; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
        th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; }
        thead { background: #f6f8fa; }
        table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
        tr.best td { font-weight: bold; } tr.total td { border-top: 2px solid #8c959f; }
        /* Long lines wrap inside the column, even through a long name, instead of running out of it. */
        pre { white-space: pre-wrap; overflow-wrap: anywhere; }
        pre.code { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; margin: 0; font: 13.5px/1.45 ui-monospace, "Cascadia Code", Menlo, Consolas, monospace; }
        .cell { margin: 16px 0; position: relative; }
        .prompt { position: absolute; left: -48px; top: 8px; color: #8c959f; font: 12px monospace; }
        @media (max-width: 1100px) { .prompt { position: static; margin-bottom: 2px; } }
        .cell.failed pre.code { border-color: #cf222e; }
        .cell.not-run { opacity: .55; }
        .output { margin: 6px 0 0; overflow-x: auto; }
        pre.output { font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; padding: 6px 14px; margin: 6px 0 0; }
        pre.stderr, pre.error { color: #cf222e; background: #fff5f5; }
        .notes { font-size: 13px; color: #9a6700; white-space: pre-wrap; margin-top: 4px; }
        .run-failed { border: 1px solid #cf222e; background: #fff5f5; color: #cf222e; padding: 8px 14px; border-radius: 6px; }
        .contents li { margin: 6px 0; } .ran { color: #1a7f37; font-size: 13px; } .failed { color: #cf222e; font-size: 13px; }
        /* Charts are never wider than the column: each chart's script sizes plotly.js to this box. */
        .chart { max-width: 100%; margin: 12px 0; }
        .math.display { display: block; overflow-x: auto; }
        /* C# tokens, as CodeHighlighter classes them. */
        .k { color: #cf222e; } .s { color: #0a3069; } .n { color: #0550ae; } .c { color: #6e7781; font-style: italic; }
        .t { color: #8250df; } .d { color: #953800; }

        """;
}

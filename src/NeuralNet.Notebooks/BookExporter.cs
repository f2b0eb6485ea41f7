using System.Net;
using System.Text;
using NeuralNet.Data;

namespace NeuralNet.Notebooks;

/// <summary>Options for <see cref="BookExporter"/>.</summary>
public sealed record BookOptions
{
    /// <summary>Run each chapter first (default), so pages show fresh outputs; otherwise use the outputs saved in the files.</summary>
    public bool Run { get; init; } = true;

    /// <summary>Parameter values for a chapter, by file name; chapters without an entry run as they are.</summary>
    public Func<Notebook, IReadOnlyDictionary<string, string>>? ParametersFor { get; init; }

    /// <summary>Called before each chapter runs, for progress output.</summary>
    public Action<Notebook>? NotebookStarting { get; init; }

    /// <summary>Called after each cell of each chapter that runs, for progress output.</summary>
    public Action<NotebookCell, CellRun>? CellCompleted { get; init; }

    /// <summary>The book's title, on the index page.</summary>
    public string Title { get; init; } = "NeuralNet — the chapters";
}

/// <summary>One chapter written by <see cref="BookExporter"/>.</summary>
/// <param name="Notebook">The chapter.</param>
/// <param name="PagePath">The HTML page written for it.</param>
/// <param name="Run">The run, when the chapter was run for the book.</param>
public sealed record BookPage(Notebook Notebook, string PagePath, NotebookRun? Run);

/// <summary>
/// Writes notebooks as a static HTML book: one page per chapter (Markdown rendered by Markdig, math typeset
/// by KaTeX, C# highlighted, outputs and Plotly charts inline) and an index page. plotly.js (from the copy
/// Plotly.NET embeds) and KaTeX (embedded in this library) are written once into the book's folder, so the
/// book opens offline, charts and formulas included.
/// </summary>
public static class BookExporter
{
    /// <summary>The file name of the shared plotly.js in the book's folder.</summary>
    public const string PlotlyFileName = $"plotly-{OutputFormatter.PlotlyJsVersion}.min.js";

    /// <summary>The chapters in <paramref name="folder"/>: every .ipynb, by file name.</summary>
    public static IReadOnlyList<string> FindNotebooks(string folder) =>
        Directory.GetFiles(folder, "*.ipynb").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Exports <paramref name="notebookPaths"/> into <paramref name="outputFolder"/> and returns the pages written.</summary>
    public static async Task<IReadOnlyList<BookPage>> ExportAsync(
        IReadOnlyList<string> notebookPaths, string outputFolder, BookOptions? options = null)
    {
        options ??= new BookOptions();
        Directory.CreateDirectory(outputFolder);
        WritePlotlyJs(outputFolder);
        WriteKatex(outputFolder);
        File.WriteAllText(Path.Combine(outputFolder, "book.css"), Css);

        var notebooks = notebookPaths.Select(Notebook.Load).ToArray();
        var pages = new List<BookPage>();
        for (var i = 0; i < notebooks.Length; i++)
        {
            var notebook = notebooks[i];
            NotebookRun? run = null;
            if (options.Run)
            {
                options.NotebookStarting?.Invoke(notebook);
                var parameters = options.ParametersFor?.Invoke(notebook) ?? new Dictionary<string, string>();
                run = await NotebookRunner.RunAsync(notebook, new NotebookRunOptions { Parameters = parameters, CellCompleted = options.CellCompleted })
                    .ConfigureAwait(false);
            }

            var page = Path.Combine(outputFolder, PageName(notebook));
            var previous = i > 0 ? notebooks[i - 1] : null;
            var next = i < notebooks.Length - 1 ? notebooks[i + 1] : null;
            AtomicFile.WriteAllText(page, RenderChapter(notebook, run, previous, next));
            pages.Add(new BookPage(notebook, page, run));
        }

        AtomicFile.WriteAllText(Path.Combine(outputFolder, "index.html"), RenderIndex(options.Title, pages));
        return pages;
    }

    /// <summary>The page file name for a chapter: its file name with .html.</summary>
    public static string PageName(Notebook notebook) => Path.GetFileNameWithoutExtension(notebook.Path) + ".html";

    /// <summary>Writes plotly.js (embedded in Plotly.NET) and its licence into <paramref name="folder"/>.</summary>
    public static void WritePlotlyJs(string folder)
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        foreach (var (resource, file) in new[] { ($"Plotly.NET.{PlotlyFileName}", PlotlyFileName), ($"Plotly.NET.{PlotlyFileName}.LICENSE.txt", PlotlyFileName + ".LICENSE.txt") })
        {
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Plotly.NET {assembly.GetName().Version} does not embed {resource}; expected plotly.js {OutputFormatter.PlotlyJsVersion}.");
            AtomicFile.Write(Path.Combine(folder, file), stream.CopyTo);
        }
    }

    /// <summary>Writes KaTeX (script, auto-render, style sheet, fonts, licence) into <paramref name="folder"/>/katex.</summary>
    public static void WriteKatex(string folder)
    {
        var assembly = typeof(BookExporter).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith("katex/", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            AtomicFile.Write(Path.Combine(folder, name), stream.CopyTo);
        }
    }

    /// <summary>A chapter page's HTML.</summary>
    public static string RenderChapter(Notebook notebook, NotebookRun? run, Notebook? previous = null, Notebook? next = null)
    {
        var body = new StringBuilder();
        var hasCharts = false;
        foreach (var cell in notebook.Cells)
        {
            switch (cell.Kind)
            {
                case CellKind.Markdown:
                    body.Append("<section class=\"markdown\">").Append(MarkdownRenderer.ToHtml(cell.Source)).Append("</section>\n");
                    break;
                case CellKind.Raw:
                    body.Append("<pre class=\"raw\">").Append(WebUtility.HtmlEncode(cell.Source)).Append("</pre>\n");
                    break;
                default:
                    var cellRun = run?.Cells.FirstOrDefault(c => c.Number == cell.Number);
                    var outputs = cellRun?.Outputs ?? cell.StoredOutputs;
                    var status = cellRun?.Status switch
                    {
                        CellStatus.Failed => " failed",
                        CellStatus.NotRun => " not-run",
                        _ => "",
                    };
                    body.Append($"<section class=\"cell{status}\" id=\"cell-{cell.Number}\">");
                    body.Append($"<div class=\"prompt\">[{cell.Number}]</div>");
                    body.Append("<pre class=\"code\"><code>").Append(CodeHighlighter.ToHtml(cell.Source.TrimEnd())).Append("</code></pre>");
                    if (cellRun is { Notes.Count: > 0 })
                    {
                        body.Append("<div class=\"notes\">").Append(WebUtility.HtmlEncode(string.Join("\n", cellRun.Notes))).Append("</div>");
                    }

                    foreach (var output in outputs)
                    {
                        hasCharts |= output[OutputFormatter.Html]?.Contains("Plotly.newPlot", StringComparison.Ordinal) == true;
                        body.Append(RenderOutput(output));
                    }

                    body.Append("</section>\n");
                    break;
            }
        }

        var nav = new StringBuilder("<nav><a href=\"index.html\">Contents</a>");
        if (previous is not null)
        {
            nav.Append($" · <a href=\"{PageName(previous)}\">← {WebUtility.HtmlEncode(previous.Title)}</a>");
        }

        if (next is not null)
        {
            nav.Append($" · <a href=\"{PageName(next)}\">{WebUtility.HtmlEncode(next.Title)} →</a>");
        }

        nav.Append("</nav>");
        var failure = run?.Failure is { } error
            ? $"<div class=\"run-failed\">This chapter did not run to the end: {WebUtility.HtmlEncode(error.Message)}</div>"
            : "";
        var head = hasCharts ? $"<script src=\"{PlotlyFileName}\"></script>\n" : "";
        var content = body.ToString();
        return Page(notebook.Title, head, nav + failure + content + nav, math: content.Contains("class=\"math", StringComparison.Ordinal));
    }

    private static string RenderOutput(CellOutput output)
    {
        switch (output.OutputType)
        {
            case CellOutput.Stream:
                return $"<pre class=\"output {output.Name}\">{WebUtility.HtmlEncode(output.Text ?? "")}</pre>";
            case CellOutput.Error:
                return $"<pre class=\"output error\">{WebUtility.HtmlEncode(output.Text ?? "")}</pre>";
        }

        if (output[OutputFormatter.Html] is { } html)
        {
            return $"<div class=\"output html\">{html}</div>";
        }

        if (output["image/svg+xml"] is { } svg)
        {
            return $"<div class=\"output image\">{svg}</div>";
        }

        foreach (var image in new[] { "image/png", "image/jpeg", "image/gif" })
        {
            if (output[image] is { } base64)
            {
                return $"<div class=\"output image\"><img src=\"data:{image};base64,{base64.Replace("\n", "", StringComparison.Ordinal)}\"></div>";
            }
        }

        if (output["text/markdown"] is { } markdown)
        {
            return $"<div class=\"output markdown\">{MarkdownRenderer.ToHtml(markdown)}</div>";
        }

        var text = output[OutputFormatter.PlainText] ?? output.Data.Values.FirstOrDefault() ?? "";
        return $"<pre class=\"output text\">{WebUtility.HtmlEncode(text)}</pre>";
    }

    private static string RenderIndex(string title, IReadOnlyList<BookPage> pages)
    {
        var list = new StringBuilder("<ol class=\"contents\">");
        foreach (var page in pages)
        {
            var state = page.Run switch
            {
                null => "",
                { Succeeded: true } run => $" <span class=\"ran\">ran in {run.Elapsed.TotalSeconds:0.0} s</span>",
                { } run => $" <span class=\"failed\">failed at cell {run.Failure!.CellNumber}</span>",
            };
            list.Append($"<li><a href=\"{Path.GetFileName(page.PagePath)}\">{WebUtility.HtmlEncode(page.Notebook.Title)}</a>{state}</li>");
        }

        list.Append("</ol>");
        return Page(title, "", $"<h1>{WebUtility.HtmlEncode(title)}</h1>{list}", math: false);
    }

    private static string Page(string title, string head, string body, bool math)
    {
        // Script errors on the page are recorded on <html data-script-errors>, so a headless browser check can read them.
        const string errorHook =
            "<script>window.addEventListener('error',function(e){var d=document.documentElement;" +
            "d.setAttribute('data-script-errors',(d.getAttribute('data-script-errors')||'')+(e.message||'error')+' | ');});</script>";
        // MarkdownRenderer writes $x$ as <span class="math">\(x\)</span> and $$x$$ as \[x\];
        // KaTeX's auto-render typesets those, leaving code cells and outputs alone.
        var mathScripts = math
            ? "<link rel=\"stylesheet\" href=\"katex/katex.min.css\">\n" +
              "<script defer src=\"katex/katex.min.js\"></script>\n" +
              "<script defer src=\"katex/contrib/auto-render.min.js\" onload=\"renderMathInElement(document.body,{delimiters:[" +
              "{left:'\\\\[',right:'\\\\]',display:true},{left:'\\\\(',right:'\\\\)',display:false}]," +
              "ignoredClasses:['cell','output'],throwOnError:false});\"></script>\n"
            : "";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{WebUtility.HtmlEncode(title)}</title>
            <link rel="stylesheet" href="book.css">
            {errorHook}
            {mathScripts}{head}</head>
            <body>
            <main>
            {body}
            </main>
            </body>
            </html>

            """;
    }

    private const string Css = """
        body { margin: 0; background: #fafafa; color: #1f2328; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; }
        main { max-width: 980px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
        nav { font-size: 14px; margin: 8px 0 24px; color: #57606a; }
        a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
        h1, h2, h3 { line-height: 1.25; } h1 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
        th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; }
        thead { background: #f6f8fa; }
        .cell { margin: 16px 0; position: relative; }
        .prompt { position: absolute; left: -48px; top: 8px; color: #8c959f; font: 12px monospace; }
        pre { overflow-x: auto; }
        pre.code { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; margin: 0; font: 13.5px/1.45 ui-monospace, "Cascadia Code", Menlo, Consolas, monospace; }
        .cell.failed pre.code { border-color: #cf222e; }
        .cell.not-run { opacity: .55; }
        .output { margin: 6px 0 0; overflow-x: auto; }
        pre.output { font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; padding: 6px 14px; margin: 6px 0 0; white-space: pre-wrap; }
        pre.stderr, pre.error { color: #cf222e; background: #fff5f5; }
        .notes { font-size: 13px; color: #9a6700; white-space: pre-wrap; margin-top: 4px; }
        .run-failed { border: 1px solid #cf222e; background: #fff5f5; color: #cf222e; padding: 8px 14px; border-radius: 6px; }
        .contents li { margin: 6px 0; } .ran { color: #1a7f37; font-size: 13px; } .failed { color: #cf222e; font-size: 13px; }
        .k { color: #cf222e; } .s { color: #0a3069; } .n { color: #0550ae; } .c { color: #6e7781; font-style: italic; }
        .t { color: #8250df; } .d { color: #953800; }
        .math.block { overflow-x: auto; }
        """;
}

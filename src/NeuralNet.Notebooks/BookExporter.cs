using System.Net;
using System.Reflection;
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

    /// <summary>
    /// How a chapter is run, given its parameter values: in this process by <see cref="NotebookRunner"/> when null;
    /// <c>nn notebooks export</c> runs each in a process of its own (<see cref="NotebookProcess"/>).
    /// </summary>
    public Func<Notebook, IReadOnlyDictionary<string, string>, Task<NotebookRun>>? RunNotebook { get; init; }

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
/// by KaTeX, C# highlighted, outputs and Plotly charts inline) and an index page, all on <see cref="HtmlPage"/>'s
/// shell. The style sheet, plotly.js (from the copy Plotly.NET embeds) and KaTeX (embedded in this library) are
/// written once into the book's folder, so the book opens offline, charts and formulas included.
/// </summary>
public static class BookExporter
{
    /// <summary>The chapters in <paramref name="folder"/>: every .ipynb, by file name.</summary>
    public static IReadOnlyList<string> FindNotebooks(string folder) =>
        Directory.GetFiles(folder, "*.ipynb").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Exports <paramref name="notebookPaths"/> into <paramref name="outputFolder"/> and returns the pages written.</summary>
    public static async Task<IReadOnlyList<BookPage>> ExportAsync(
        IReadOnlyList<string> notebookPaths, string outputFolder, BookOptions? options = null)
    {
        options ??= new BookOptions();
        Directory.CreateDirectory(outputFolder);
        HtmlPage.WriteAssets(outputFolder);
        WriteKatex(outputFolder);

        Notebook[] notebooks = notebookPaths.Select(Notebook.Load).ToArray();
        var pages = new List<BookPage>();
        for (int i = 0; i < notebooks.Length; i++)
        {
            Notebook notebook = notebooks[i];
            NotebookRun? run = null;
            if (options.Run)
            {
                options.NotebookStarting?.Invoke(notebook);
                IReadOnlyDictionary<string, string> parameters = options.ParametersFor?.Invoke(notebook) ?? new Dictionary<string, string>();
                run = options.RunNotebook is { } runNotebook
                    ? await runNotebook(notebook, parameters).ConfigureAwait(false)
                    : await NotebookRunner.RunAsync(notebook, new NotebookRunOptions { Parameters = parameters, CellCompleted = options.CellCompleted })
                        .ConfigureAwait(false);
            }

            string page = Path.Combine(outputFolder, PageName(notebook));
            Notebook? previous = i > 0 ? notebooks[i - 1] : null;
            Notebook? next = i < notebooks.Length - 1 ? notebooks[i + 1] : null;
            AtomicFile.WriteAllText(page, RenderChapter(notebook, run, previous, next));
            pages.Add(new BookPage(notebook, page, run));
        }

        AtomicFile.WriteAllText(Path.Combine(outputFolder, "index.html"), RenderIndex(options.Title, pages));
        return pages;
    }

    /// <summary>The page file name for a chapter: its file name with .html.</summary>
    public static string PageName(Notebook notebook) => Path.GetFileNameWithoutExtension(notebook.Path) + ".html";

    /// <summary>Writes KaTeX (script, auto-render, style sheet, fonts, licence) into <paramref name="folder"/>/katex.</summary>
    public static void WriteKatex(string folder)
    {
        Assembly assembly = typeof(BookExporter).Assembly;
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            string name = resource.Replace('\\', '/');
            if (!name.StartsWith("katex/", StringComparison.Ordinal))
            {
                continue;
            }

            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            AtomicFile.Write(Path.Combine(folder, name), stream.CopyTo);
        }
    }

    /// <summary>A chapter page's HTML.</summary>
    public static string RenderChapter(Notebook notebook, NotebookRun? run, Notebook? previous = null, Notebook? next = null)
    {
        var body = new StringBuilder();
        foreach (NotebookCell cell in notebook.Cells)
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
                    CellRun? cellRun = run?.Cells.FirstOrDefault(c => c.Number == cell.Number);
                    IReadOnlyList<CellOutput> outputs = cellRun?.Outputs ?? cell.StoredOutputs;
                    string status = cellRun?.Status switch
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

                    foreach (CellOutput output in outputs)
                    {
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
        string failure = run?.Failure is { } error
            ? $"<div class=\"run-failed\">This chapter did not run to the end: {WebUtility.HtmlEncode(error.Message)}</div>"
            : "";
        return HtmlPage.InFolder(notebook.Title, nav + failure + body + nav);
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

        foreach (string image in new[] { "image/png", "image/jpeg", "image/gif" })
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

        string text = output[OutputFormatter.PlainText] ?? output.Data.Values.FirstOrDefault() ?? "";
        return $"<pre class=\"output text\">{WebUtility.HtmlEncode(text)}</pre>";
    }

    private static string RenderIndex(string title, IReadOnlyList<BookPage> pages)
    {
        var list = new StringBuilder("<ol class=\"contents\">");
        foreach (BookPage page in pages)
        {
            string state = page.Run switch
            {
                null => "",
                { Succeeded: true } run => $" <span class=\"ran\">ran in {run.Elapsed.TotalSeconds:0.0} s</span>",
                { } run => $" <span class=\"failed\">failed at cell {run.Failure!.CellNumber}</span>",
            };
            list.Append($"<li><a href=\"{Path.GetFileName(page.PagePath)}\">{WebUtility.HtmlEncode(page.Notebook.Title)}</a>{state}</li>");
        }

        list.Append("</ol>");
        return HtmlPage.InFolder(title, $"<h1>{WebUtility.HtmlEncode(title)}</h1>{list}");
    }
}

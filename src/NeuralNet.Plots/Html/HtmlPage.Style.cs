#if NOTEBOOK_RUNNER
namespace NeuralNet.Notebooks;
#else
namespace NeuralNet.Plots;
#endif

#if NOTEBOOK_RUNNER
internal
#else
public
#endif
static partial class HtmlPage
{
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

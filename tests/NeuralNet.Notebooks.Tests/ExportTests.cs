namespace NeuralNet.Notebooks.Tests;

[Collection(NotebookCollection.Name)]
public sealed class ExportTests
{
    internal static TestNotebook ChartChapter(string name = "01-charts.ipynb") => new TestNotebook(name)
        .Markdown("# Charts chapter\n\nThe loss starts near $\\ln 10$:\n\n$$\nL = -\\frac{1}{m}\\sum_i \\log p_{i,y_i}\n$$")
        .Code("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\nusing Plotly.NET.CSharp;")
        .Parameters("var epochs = 3;")
        .Code("""
            var losses = new List<double>();
            var live = display(Chart.Line<int, double, string>(x: new[] { 0 }, y: new[] { 2.3 }, Name: "loss"));
            for (var e = 1; e <= epochs; e++)
            {
                losses.Add(2.3 / (e + 1));
                Console.WriteLine($"epoch {e}: loss {losses[^1]:0.00}");
                live.Update(Chart.Line<int, double, string>(x: Enumerable.Range(1, losses.Count), y: losses, Name: "loss"));
            }
            """)
        .Markdown("## A histogram")
        .Code("Chart.Histogram<double, double, string>(X: Enumerable.Range(0, 200).Select(i => Math.Sin(i * 0.37)).ToArray())");

    [Fact]
    public async Task Export_writes_a_page_per_chapter_an_index_and_plotly_js_once()
    {
        using TestNotebook charts = ChartChapter();
        string plain = Path.Combine(charts.Directory, "02-text.ipynb");
        charts.Write();
        using (TestNotebook text = new TestNotebook("02-text.ipynb").Markdown("# Plain chapter").Code("var answer = 6 * 7;\nanswer"))
        {
            File.Copy(text.Write(), plain);
        }

        string book = Path.Combine(charts.Directory, "book");

        IReadOnlyList<BookPage> pages = await BookExporter.ExportAsync(BookExporter.FindNotebooks(charts.Directory), book);

        Assert.Equal(["01-charts.html", "02-text.html"], pages.Select(p => Path.GetFileName(p.PagePath)));
        Assert.All(pages, p => Assert.True(p.Run?.Succeeded));
        Assert.Equal(
            ["01-charts.html", "02-text.html", "book.css", "index.html", HtmlPage.PlotlyJsFileName, HtmlPage.PlotlyJsFileName + ".LICENSE.txt"],
            Directory.GetFiles(book).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(new FileInfo(Path.Combine(book, HtmlPage.PlotlyJsFileName)).Length > 3_000_000);
        foreach (string file in new[] { "katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/KaTeX_Main-Regular.woff2", "LICENSE" })
        {
            Assert.True(File.Exists(Path.Combine(book, "katex", file)), $"katex/{file} missing");
        }


        string index = File.ReadAllText(Path.Combine(book, "index.html"));
        Assert.Contains("<a href=\"01-charts.html\">Charts chapter</a>", index);
        Assert.Contains("<a href=\"02-text.html\">Plain chapter</a>", index);

        string page = File.ReadAllText(pages[0].PagePath);
        Assert.Contains("<h1 id=\"charts-chapter\">Charts chapter</h1>", page);
        Assert.Contains("<span class=\"math\">", page);
        Assert.Contains("<span class=\"k\">var</span>", page);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, $"<script src=\"{System.Text.RegularExpressions.Regex.Escape(HtmlPage.PlotlyJsFileName)}\">"));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(page, HtmlPage.ChartMarker).Count);
        Assert.Contains("epoch 3: loss ", page);
        Assert.Contains("<script defer src=\"katex/katex.min.js\">", page);
        Assert.DoesNotContain(HtmlPage.PlotlyJsFileName, File.ReadAllText(pages[1].PagePath));
        Assert.DoesNotContain("katex", File.ReadAllText(pages[1].PagePath));
        Assert.Contains("<pre class=\"output text\">42</pre>", File.ReadAllText(pages[1].PagePath));
    }

    [Fact]
    public async Task Export_without_running_uses_the_outputs_saved_in_the_notebook()
    {
        using TestNotebook notebook = new TestNotebook("saved.ipynb").Markdown("# Saved").Code("\"from the earlier run\"");
        (await notebook.RunAsync()).Save();
        string book = Path.Combine(notebook.Directory, "book");

        IReadOnlyList<BookPage> pages = await BookExporter.ExportAsync([notebook.Path], book, new BookOptions { Run = false });

        Assert.Null(Assert.Single(pages).Run);
        Assert.Contains("from the earlier run", File.ReadAllText(pages[0].PagePath));
    }

    [Fact]
    public async Task A_chapter_that_fails_is_exported_up_to_the_error_and_says_so()
    {
        using TestNotebook notebook = new TestNotebook("fails.ipynb").Markdown("# Fails").Code("throw new InvalidOperationException(\"no data\");").Code("1");
        string book = Path.Combine(notebook.Directory, "book");

        IReadOnlyList<BookPage> pages = await BookExporter.ExportAsync([notebook.Write()], book);

        string page = File.ReadAllText(pages[0].PagePath);
        Assert.Contains("This chapter did not run to the end: fails.ipynb, cell 2, line 1: System.InvalidOperationException: no data", page);
        Assert.Contains("class=\"cell not-run\"", page);
        Assert.Contains("failed at cell 2", File.ReadAllText(Path.Combine(book, "index.html")));
    }
}

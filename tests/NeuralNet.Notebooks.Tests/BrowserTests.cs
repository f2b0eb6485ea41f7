using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NeuralNet.Notebooks.Tests;

/// <summary>A fact that needs headless Chromium (Debian's <c>chromium</c> package); skipped, saying so, where it is missing.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "Chromium is not installed: apt-get install -y chromium (or set CHROMIUM to its path).";
        }
    }
}

internal static class Chromium
{
    public static string? Path { get; } = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
        .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    /// <summary>Loads a page with no network at all, in a window <paramref name="width"/> pixels wide, and returns the DOM after its scripts ran.</summary>
    public static async Task<string> DumpDomAsync(string page, int width = 1280)
    {
        DirectoryInfo profile = Directory.CreateTempSubdirectory("nn-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Every host name fails to resolve: the page must draw from local files only.
                "--host-resolver-rules=MAP * ~NOTFOUND",
                $"--user-data-dir={profile.FullName}", $"--window-size={width},900", "--virtual-time-budget=10000", "--dump-dom",
                new Uri(page).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            string dom = await stdout;
            Assert.True(dom.Length > 0, $"chromium printed no DOM (exit {process.ExitCode}): {await stderr}");
            return dom;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}

[Collection(NotebookCollection.Name)]
public sealed class BrowserTests
{
    [ChromiumFact]
    public async Task Every_chart_and_formula_of_an_exported_page_draws_offline_in_headless_Chromium_without_script_errors()
    {
        using TestNotebook notebook = ExportTests.ChartChapter();
        string book = Path.Combine(notebook.Directory, "book");
        IReadOnlyList<BookPage> pages = await BookExporter.ExportAsync([notebook.Write()], book);

        string dom = await Chromium.DumpDomAsync(pages[0].PagePath);

        string[] containers = Regex.Split(dom, HtmlPage.ChartMarker).Skip(1).ToArray();
        Assert.Equal(2, containers.Length);
        Assert.All(containers, chart => Assert.Contains("main-svg", chart));
        Assert.Equal(2, Regex.Matches(dom, "<span class=\"katex\">").Count);
        Assert.Single(Regex.Matches(dom, "<span class=\"katex-display\">"));
        Assert.DoesNotContain("data-script-errors=\"", dom);
    }

    [ChromiumFact]
    public async Task A_script_error_on_a_page_is_seen_by_the_check()
    {
        // The check above is only worth something if it would see an error: a chart whose script throws.
        using TestNotebook notebook = new TestNotebook("broken.ipynb").Code("\"<script>undefinedFunction();</script>\".DisplayAs(\"text/html\");");
        IReadOnlyList<BookPage> pages = await BookExporter.ExportAsync([notebook.Write()], Path.Combine(notebook.Directory, "book"));

        string dom = await Chromium.DumpDomAsync(pages[0].PagePath);

        Assert.Contains("data-script-errors=\"Uncaught ReferenceError: undefinedFunction is not defined", dom);
    }

    [ChromiumTheory]
    [InlineData(1280)] // a desktop window: the column is 980 pixels wide
    [InlineData(600)] // a phone held upright
    public async Task On_an_exported_page_code_wraps_and_charts_fit_the_column_with_legend_and_title_clear_of_each_other_and_the_toolbar(int windowWidth)
    {
        using TestNotebook notebook = new TestNotebook("layout.ipynb")
            .Code("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\nusing Plotly.NET.CSharp;")
            .Code(LongCodeLine)
            .Code("""
                // Wider than any column, with a legend, a title long enough to reach the toolbar's corner and a
                // top margin as small as a chart builder might choose.
                var wide = Chart.Combine(new[]
                {
                    Chart.Line<int, double, string>(x: new[] { 1, 2, 3 }, y: new[] { 2.3, 0.9, 0.4 }, Name: "training loss, learning rate 0.1"),
                    Chart.Line<int, double, string>(x: new[] { 1, 2, 3 }, y: new[] { 2.2, 1.1, 0.7 }, Name: "validation loss, learning rate 0.1"),
                }).WithSize(Width: 1400, Height: 420);
                Plotly.NET.GenericChart.getLayout(wide).SetProperty("title", new Dictionary<string, object>
                {
                    ["text"] = "Loss per epoch: training against validation, one line each, for the learning rate the sweep chose",
                });
                Plotly.NET.GenericChart.getLayout(wide).SetProperty("margin", new Dictionary<string, object> { ["t"] = 40 });
                wide
                """)
            .Code("""
                // Narrow, with a title of three lines, as the library's charts write a subtitle.
                var narrow = Chart.Histogram<double, double, string>(X: Enumerable.Range(0, 200).Select(i => Math.Sin(i * 0.37)).ToArray())
                    .WithSize(Width: 480, Height: 480);
                Plotly.NET.GenericChart.getLayout(narrow).SetProperty("title", new Dictionary<string, object>
                {
                    ["text"] = "'3' against the rest, all the test images<br><sup>precision 91.50 %, recall 91.68 %</sup><br><sup>10,000 examples</sup>",
                });
                Plotly.NET.GenericChart.getLayout(narrow).SetProperty("margin", new Dictionary<string, object> { ["t"] = 60 });
                narrow
                """);
        IReadOnlyList<BookPage> pages = await BookExporter.ExportAsync([notebook.Write()], Path.Combine(notebook.Directory, "book"));
        Assert.True(pages[0].Run!.Succeeded, pages[0].Run!.Failure?.Message);

        JsonNode layout = await MeasureLayoutAsync(pages[0].PagePath, windowWidth);

        double column = layout["column"]!.GetValue<double>();
        JsonArray code = layout["code"]!.AsArray();
        Assert.Equal(4, code.Count);
        Assert.All(code, pre => Assert.True(pre!["scrollWidth"]!.GetValue<double>() <= pre["clientWidth"]!.GetValue<double>(),
            $"a code block scrolls sideways: {pre.ToJsonString()} (column {column} px)"));
        JsonArray charts = layout["charts"]!.AsArray();
        Assert.Equal(2, charts.Count);
        foreach (JsonNode chart in charts.Select(c => c!))
        {
            Assert.True(chart["width"]!.GetValue<double>() <= column + 0.5, $"a chart is wider than the column ({column} px): {chart.ToJsonString()}");
            Assert.True(chart["modebar"] is not null, "plotly.js drew no toolbar, so the check below would not see it");
            JsonNode? title = chart["title"];
            if (title is not null)
            {
                Assert.False(Overlap(title, chart["modebar"]!), $"the toolbar overlaps the title: {chart.ToJsonString()}");
            }

            if (chart["legend"] is { } legend)
            {
                JsonNode svg = chart["svg"]!;
                Assert.True(legend["left"]!.GetValue<double>() >= svg["left"]!.GetValue<double>() - 0.5
                    && legend["right"]!.GetValue<double>() <= svg["right"]!.GetValue<double>() + 0.5, $"the legend is cut off: {chart.ToJsonString()}");
                Assert.False(title is not null && Overlap(title, legend), $"the legend overlaps the title: {chart.ToJsonString()}");
            }
        }

        Assert.NotNull(charts[0]!["legend"]);
        Assert.All(charts, chart => Assert.NotNull(chart!["title"]));
    }

    [ChromiumFact]
    public async Task The_layout_check_sees_a_code_line_that_runs_out_of_its_column()
    {
        // The checks above are only worth something if they would fail: the same long line with wrapping switched off.
        using TestNotebook notebook = new TestNotebook("overflow.ipynb").Code(LongCodeLine);
        IReadOnlyList<BookPage> pages = await BookExporter.ExportAsync([notebook.Write()], Path.Combine(notebook.Directory, "book"));
        File.AppendAllText(Path.Combine(notebook.Directory, "book", HtmlPage.StyleSheetFileName), "pre { white-space: pre; }\n");

        JsonNode layout = await MeasureLayoutAsync(pages[0].PagePath, 1280);

        JsonNode pre = Assert.Single(layout["code"]!.AsArray())!;
        Assert.True(pre["scrollWidth"]!.GetValue<double>() > pre["clientWidth"]!.GetValue<double>());
    }

    // 230 characters in one line, a 120-character word among them.
    private const string LongCodeLine =
        "var sentence = \"a code line far longer than the text column is wide, which must wrap inside its box instead of running out of it\" + " +
        "\"_an_unbroken_identifier_like_token_of_one_hundred_and_twenty_characters_that_wraps_only_where_overflow_wrap_allows_it_\";";

    private static bool Overlap(JsonNode a, JsonNode b) =>
        a["left"]!.GetValue<double>() < b["right"]!.GetValue<double>() && b["left"]!.GetValue<double>() < a["right"]!.GetValue<double>()
        && a["top"]!.GetValue<double>() < b["bottom"]!.GetValue<double>() && b["top"]!.GetValue<double>() < a["bottom"]!.GetValue<double>();

    /// <summary>
    /// Opens a copy of <paramref name="page"/> that, once drawn, measures itself into <c>&lt;html data-layout&gt;</c>:
    /// the text column's width, each code block's scroll and client widths, and for each chart the boxes of its
    /// drawing, title, legend and toolbar.
    /// </summary>
    private static async Task<JsonNode> MeasureLayoutAsync(string page, int windowWidth)
    {
        const string measure = """
            <script>addEventListener('load', function () { setTimeout(function () {
              var box = function (e) { if (!e) { return null; } var r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
              var main = document.querySelector('main'), style = getComputedStyle(main);
              var result = { column: main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight), code: [], charts: [] };
              document.querySelectorAll('pre.code').forEach(function (pre) { result.code.push({ scrollWidth: pre.scrollWidth, clientWidth: pre.clientWidth }); });
              document.querySelectorAll('[data-nn-plotly-chart]').forEach(function (chart) {
                var svg = chart.querySelector('svg.main-svg');
                result.charts.push({ width: svg ? svg.getBoundingClientRect().width : 1e9, svg: box(svg), title: box(chart.querySelector('.gtitle')),
                  legend: box(chart.querySelector('g.legend')), modebar: box(chart.querySelector('.modebar')) });
              });
              document.documentElement.setAttribute('data-layout', JSON.stringify(result));
            }, 2000); });</script>
            """;
        string measured = Path.Combine(Path.GetDirectoryName(page)!, "measured-" + Path.GetFileName(page));
        File.WriteAllText(measured, File.ReadAllText(page).Replace("</body>", measure + "</body>", StringComparison.Ordinal));

        string dom = await Chromium.DumpDomAsync(measured, windowWidth);

        Match attribute = Regex.Match(dom, "data-layout=\"([^\"]*)\"");
        Assert.True(attribute.Success, "the page did not measure itself: " + dom[..Math.Min(dom.Length, 2000)]);
        return JsonNode.Parse(System.Net.WebUtility.HtmlDecode(attribute.Groups[1].Value))!;
    }
}

/// <summary>A theory that needs headless Chromium; skipped, saying so, where it is missing.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "Chromium is not installed: apt-get install -y chromium (or set CHROMIUM to its path).";
        }
    }
}

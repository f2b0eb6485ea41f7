using System.Diagnostics;
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

    /// <summary>Loads a page with no network at all and returns the DOM after its scripts ran.</summary>
    public static async Task<string> DumpDomAsync(string page)
    {
        var profile = Directory.CreateTempSubdirectory("nn-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Every host name fails to resolve: the page must draw from local files only.
                "--host-resolver-rules=MAP * ~NOTFOUND",
                $"--user-data-dir={profile.FullName}", "--virtual-time-budget=10000", "--dump-dom",
                new Uri(page).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            var dom = await stdout;
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
        using var notebook = ExportTests.ChartChapter();
        var book = Path.Combine(notebook.Directory, "book");
        var pages = await BookExporter.ExportAsync([notebook.Write()], book);

        var dom = await Chromium.DumpDomAsync(pages[0].PagePath);

        var containers = Regex.Split(dom, HtmlPage.ChartMarker).Skip(1).ToArray();
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
        using var notebook = new TestNotebook("broken.ipynb").Code("\"<script>undefinedFunction();</script>\".DisplayAs(\"text/html\");");
        var pages = await BookExporter.ExportAsync([notebook.Write()], Path.Combine(notebook.Directory, "book"));

        var dom = await Chromium.DumpDomAsync(pages[0].PagePath);

        Assert.Contains("data-script-errors=\"Uncaught ReferenceError: undefinedFunction is not defined", dom);
    }
}

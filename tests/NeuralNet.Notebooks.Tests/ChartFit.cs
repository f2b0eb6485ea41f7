using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// Draws Plotly figures (the JSON VS Code's renderer draws) with the plotly.js we ship, offline, in headless Chromium,
/// each in a 700-pixel and a 1,000-pixel wide box — a narrow and a wide VS Code output column — and lists those that
/// run past their box or whose title is wider than the chart.
/// </summary>
internal static class ChartFit
{
    public static readonly int[] ColumnWidths = [700, 1000];

    /// <summary>One line per misfit: the cell, the column width and what is wrong.</summary>
    public static async Task<IReadOnlyList<string>> MisfitsAsync(IReadOnlyList<(int Cell, string Figure)> figures, string folder)
    {
        if (figures.Count == 0)
        {
            return [];
        }

        HtmlPage.WriteAssets(folder);
        var page = new StringBuilder($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"{HtmlPage.PlotlyJsFileName}\"></script></head><body style=\"margin:0\">\n");
        foreach (int width in ColumnWidths)
        {
            for (int i = 0; i < figures.Count; i++)
            {
                // As a notebook renderer does: the figure as it is, in a box as wide as the column; the box does not clip.
                page.Append($"<div class=\"column\" data-width=\"{width}\" data-index=\"{i}\" style=\"width:{width}px\"><div id=\"f{width}-{i}\"></div></div>"
                    + $"<script>(function () {{ var f = JSON.parse({JsonSerializer.Serialize(figures[i].Figure)}); "
                    + $"Plotly.newPlot('f{width}-{i}', f.data, f.layout || {{}}, f.config || {{}}); }})();</script>\n");
            }
        }

        page.Append("""
            <script>addEventListener('load', function () { setTimeout(function () {
              var result = [];
              document.querySelectorAll('.column').forEach(function (column) {
                var c = column.getBoundingClientRect(), svg = column.querySelector('svg.main-svg'), title = column.querySelector('.gtitle');
                var s = svg ? svg.getBoundingClientRect() : null, t = title ? title.getBoundingClientRect() : null;
                result.push({ width: +column.dataset.width, index: +column.dataset.index, column: { left: c.left, right: c.right },
                  scroll: column.scrollWidth, svg: s ? { left: s.left, right: s.right } : null, title: t && t.width > 0 ? { left: t.left, right: t.right } : null });
              });
              document.documentElement.setAttribute('data-fit', JSON.stringify(result));
            }, 1500); });</script>
            </body></html>
            """);
        string path = Path.Combine(folder, "fit.html");
        await File.WriteAllTextAsync(path, page.ToString());

        string dom = await Chromium.DumpDomAsync(path, width: 1100);

        Match attribute = Regex.Match(dom, "data-fit=\"([^\"]*)\"");
        Assert.True(attribute.Success, "the page did not measure its charts");
        var misfits = new List<string>();
        foreach (JsonNode? box in JsonNode.Parse(System.Net.WebUtility.HtmlDecode(attribute.Groups[1].Value))!.AsArray())
        {
            int width = box!["width"]!.GetValue<int>();
            string where = $"cell {figures[box["index"]!.GetValue<int>()].Cell} at {width} px";
            if (box["svg"] is not { } svg)
            {
                misfits.Add($"{where}: not drawn");
                continue;
            }

            double columnRight = box["column"]!["right"]!.GetValue<double>(), svgRight = svg["right"]!.GetValue<double>(), svgLeft = svg["left"]!.GetValue<double>();
            if (svgRight > columnRight + 0.5 || box["scroll"]!.GetValue<double>() > width + 0.5)
            {
                misfits.Add($"{where}: the chart is {svgRight - svgLeft:F0} px wide, past its column");
            }

            if (box["title"] is { } title && (title["left"]!.GetValue<double>() < svgLeft - 0.5 || title["right"]!.GetValue<double>() > svgRight + 0.5))
            {
                misfits.Add($"{where}: the title ({title["right"]!.GetValue<double>() - title["left"]!.GetValue<double>():F0} px) is wider than the chart");
            }
        }

        return misfits;
    }
}

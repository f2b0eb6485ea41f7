using System.Text.Json.Nodes;
using Plotly.NET;

namespace NeuralNet.Plots.Tests;

/// <summary>
/// VS Code draws a chart's Plotly JSON, not our HTML, in an output column often narrower than 900 pixels: every chart's
/// figure must fill its container (no fixed width) and keep its title in short lines. (KernelChapterTests draws the
/// chapters' charts in Chromium at 700 and 1,000 pixels.)
/// </summary>
public class ColumnFitTests
{
    public static TheoryData<string> ChartNames()
    {
        var names = new TheoryData<string>();
        foreach ((string name, _) in Gallery.All())
        {
            names.Add(name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void Every_chart_fills_its_container_and_keeps_its_title_lines_short(string name)
    {
        GenericChart chart = Gallery.All().First(c => c.Name == name).Chart;

        JsonNode layout = JsonNode.Parse(GenericChart.toFigureJson(chart))!["layout"]!;

        Assert.Null(layout["width"]);
        Assert.True(layout["meta"]?[Plot.PreferredWidthKey] is not null, $"{name}: no preferred width in layout.meta");
        string title = layout["title"]!["text"]!.GetValue<string>();
        string[] lines = title.Split("<br>").Select(line => System.Text.RegularExpressions.Regex.Replace(line, "<[^>]*>", "")).ToArray();
        Assert.All(lines, line => Assert.True(line.Length <= Plot.SubtitleLineLength, $"{name}: title line of {line.Length} characters: {line}"));
        Assert.True(lines[0].Length <= Plot.TitleLineLength, $"{name}: first title line of {lines[0].Length} characters");
    }

    [Fact]
    public void A_long_title_wraps_at_spaces_and_a_chart_without_a_title_keeps_Plotly_NETs_width_as_its_largest()
    {
        string title = "Main run: 97.84% validation accuracy after 12 epochs (best epoch 11), learning rate 0.1 decayed";

        string wrapped = Plot.WrapLine(title, Plot.TitleLineLength);

        Assert.Equal(title, wrapped.Replace("<br>", " "));
        Assert.All(wrapped.Split("<br>"), line => Assert.InRange(line.Length, 1, Plot.TitleLineLength));
        JsonNode layout = JsonNode.Parse(GenericChart.toFigureJson(
            Plotly.NET.CSharp.Chart.Line<int, int, string>(x: [1, 2], y: [3, 4]).FitToColumn()))!["layout"]!;
        Assert.Null(layout["width"]);
        Assert.Equal(600, layout["meta"]![Plot.PreferredWidthKey]!.GetValue<int>());
    }

    [Fact]
    public void Probabilities_of_a_float_array_pick_one_overload_in_CSharp_13()
    {
        // C# 13 (Verso's compiler) finds float[] -> IReadOnlyList<float> and -> ReadOnlySpan<float> equally good; the
        // float[] overload settles it. Compiled here as C# 14, this checks the overload exists and draws the same bars.
        float[] p = [0.1f, 0.7f, 0.2f];

        string fromArray = GenericChart.toFigureJson(Charts.Probabilities(p));
        string fromList = GenericChart.toFigureJson(Charts.Probabilities((IReadOnlyList<float>)p));

        Assert.Equal(fromList, fromArray);
    }
}

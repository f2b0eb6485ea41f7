using NeuralNet.Teaching;
using Plotly.NET;
using static NeuralNet.Plots.Tests.TestData;

namespace NeuralNet.Plots.Tests;

public class SpeedChartsTests
{
    [Fact]
    public void Throughput_draws_bars_on_a_log_axis_and_a_dashed_line_per_ceiling()
    {
        (string, double)[] steps = [("naive", 0.5), ("simd", 40), ("packed", 150)];

        GenericChart chart = Charts.Throughput(steps, [("peak, 1 core", 200), ("peak, 2 cores", 400)], "steps");

        Assert.Equal(["bar"], TraceTypes(chart));
        Assert.Equal([0.5, 40, 150], Numbers(Get(Traces(chart)[0], "x")));
        Assert.Equal("log", Get((DynamicObj.DynamicObj)Layout(chart, "xaxis")!, "type"));
        DynamicObj.DynamicObj[] shapes = ((System.Collections.IEnumerable)Layout(chart, "shapes")!).Cast<DynamicObj.DynamicObj>().ToArray();
        Assert.Equal([200.0, 400.0], shapes.Select(s => Convert.ToDouble(Get(s, "x0"))));
        DynamicObj.DynamicObj[] labels = ((System.Collections.IEnumerable)Layout(chart, "annotations")!).Cast<DynamicObj.DynamicObj>().ToArray();
        Assert.Equal(Math.Log10(200), Convert.ToDouble(Get(labels[0], "x")), 12);   // annotations on a log axis sit at log10(value)
        Assert.Contains("peak, 1 core: 200", Get(labels[0], "text")!.ToString());
    }

    [Fact]
    public void StepProfile_shows_microseconds_and_shares_coloured_by_direction()
    {
        StepPart[] parts = [new("forward Linear(2→3)", 30e-6), new("loss and its gradient", 10e-6), new("backward Linear(2→3)", 60e-6)];

        GenericChart chart = Charts.StepProfile(parts);

        Assert.Equal([30.0, 10.0, 60.0], Numbers(Get(Traces(chart)[0], "x")).Select(v => Math.Round(v, 9)));
        Assert.Equal(["30%", "10%", "60%"], ((System.Collections.IEnumerable)Get(Traces(chart)[0], "text")!).Cast<string>());
        string[] colours = ((System.Collections.IEnumerable)Get((DynamicObj.DynamicObj)Get(Traces(chart)[0], "marker")!, "color")!).Cast<string>().ToArray();
        Assert.Equal([Plot.Palette[0], "#7f7f7f", Plot.Palette[1]], colours);
        Assert.Contains("100 µs per step", Title(chart));
    }

    [Fact]
    public void Columns_needs_one_value_per_key()
    {
        GenericChart chart = Charts.Columns(["16", "64"], [3.5, 2.0], "batch size", "µs per image");
        Assert.Equal("µs per image", AxisTitle(chart, "yaxis"));
        Assert.Throws<ArgumentException>(() => Charts.Columns(["16"], [1.0, 2.0], "x", "y"));
    }
}

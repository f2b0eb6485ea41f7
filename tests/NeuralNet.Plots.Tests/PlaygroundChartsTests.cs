using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Layers;
using Plotly.NET;
using static NeuralNet.Plots.Tests.TestData;

namespace NeuralNet.Plots.Tests;

public class PlaygroundChartsTests
{
    private static readonly ImageDataset Moons = ToyDatasets.Moons(pointsPerClass: 20, noise: 0.05);

    [Fact]
    public void DecisionBoundary_is_a_probability_heatmap_under_one_point_trace_per_class()
    {
        var network = Sequential.Mlp(2, [4], 2, seed: 3);
        var grid = DecisionGrid.Compute(network, Moons, resolution: 12);

        GenericChart chart = Charts.DecisionBoundary(grid, Moons, "boundary");

        Assert.Equal(["heatmap", "scatter", "scatter"], TraceTypes(chart));
        Trace heatmap = Traces(chart)[0];
        object[] z = ((System.Collections.IEnumerable)Get(heatmap, "z")!).Cast<object>().ToArray();
        Assert.Equal(12, z.Length);
        Assert.Equal(Math.Round(grid.Probability(5, 7, 1), 3), Numbers(z[7])[5], 6);   // z[row = y][column = x] = P(class 1), 3 decimals
        Assert.Equal(0.0, Convert.ToDouble(Get(heatmap, "zmin")));
        Assert.Equal(1.0, Convert.ToDouble(Get(heatmap, "zmax")));
        Assert.Equal(20, Numbers(Get(Traces(chart)[1], "x")).Length);
        Assert.Equal("boundary", Title(chart));
    }

    [Fact]
    public void DecisionBoundary_with_three_classes_colours_the_predicted_class()
    {
        ImageDataset spiral = ToyDatasets.Spiral(pointsPerClass: 10, classes: 3);
        var network = Sequential.Mlp(2, [4], 3, seed: 1);
        var grid = DecisionGrid.Compute(network, spiral, resolution: 6);

        GenericChart chart = Charts.DecisionBoundary(grid, spiral);

        Assert.Equal(["heatmap", "scatter", "scatter", "scatter"], TraceTypes(chart));
        object[] z = ((System.Collections.IEnumerable)Get(Traces(chart)[0], "z")!).Cast<object>().ToArray();
        Assert.Equal(grid.PredictedClass(2, 3), Numbers(z[3])[2]);
        Assert.Equal(2.5, Convert.ToDouble(Get(Traces(chart)[0], "zmax")));
    }

    [Fact]
    public void DecisionBoundaries_draws_each_frame_in_its_own_subplot_with_its_caption()
    {
        (string, DecisionGrid)[] frames = new[] { 1, 2, 3, 4 }.Select(seed =>
            ($"seed {seed}", DecisionGrid.Compute(Sequential.Mlp(2, [3], 2, seed: seed), Moons, resolution: 5))).ToArray();

        GenericChart chart = Charts.DecisionBoundaries(frames, Moons, columns: 3);

        Assert.Equal(4 * 3, Traces(chart).Length);
        Assert.Equal("x4", Get(Traces(chart)[9], "xaxis"));
        string[] captions = ((System.Collections.IEnumerable)Layout(chart, "annotations")!).Cast<DynamicObj.DynamicObj>()
            .Select(a => Get(a, "text")?.ToString() ?? "").ToArray();
        Assert.Equal(["seed 1", "seed 2", "seed 3", "seed 4"], captions);
        Assert.Equal(2, Traces(chart).Count(t => Get(t, "showlegend") is true));   // one legend entry per class (2), not per frame
    }

    [Fact]
    public void DecisionBoundaries_needs_a_frame()
    {
        Assert.Throws<ArgumentException>(() => Charts.DecisionBoundaries([], Moons));
    }
}

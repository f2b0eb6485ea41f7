using NeuralNet.Layers;
using NeuralNet.Tensors;
using NeuralNet.Training;
using Plotly.NET;
using static NeuralNet.Plots.Tests.TestData;

namespace NeuralNet.Plots.Tests;

public class LayerHistogramsTests
{
    [Fact]
    public void LayerHistograms_draws_one_output_and_one_gradient_curve_per_layer()
    {
        var network = Sequential.Mlp(10, [8, 8], 3, seed: 1);
        var images = new Matrix(16, 10);
        var random = new Random(2);
        for (int i = 0; i < images.Length; i++) images.Span[i] = (float)random.NextDouble();
        int[] labels = Enumerable.Range(0, 16).Select(i => i % 3).ToArray();
        var relus = LayerSnapshot.Capture(network, images, labels).Where(s => s.Layer is ReLU).ToList();

        GenericChart chart = Charts.LayerHistograms(relus, bins: 20, title: "two ReLUs");

        Trace[] traces = Traces(chart);
        Assert.Equal(4, traces.Length); // two layers x (outputs, gradients)
        Assert.All(traces, t => Assert.Equal("scatter", t.type));
        Assert.StartsWith("2: ReLU (std ", Get(traces[0], "name")!.ToString());
        Assert.Equal(100, Numbers(Get(traces[0], "y")).Sum(), 6); // shares of all values, in percent
        Assert.Equal("two ReLUs", Title(chart));
        Assert.Equal(2, Charts.StdByLayer(relus, gradients: true).Count);
        Assert.Throws<ArgumentException>(() => Charts.LayerHistograms([]));
    }
}

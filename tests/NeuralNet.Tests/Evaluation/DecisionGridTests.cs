using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Evaluation;

public class DecisionGridTests
{
    [Fact]
    public void Grid_covers_the_points_with_a_margin_and_holds_the_networks_probabilities()
    {
        // A hand-set linear network: logit of class 1 minus logit of class 0 = 4x, so P(class 1) > 0.5 exactly where x > 0.
        var layer = new Linear(2, 2);
        layer.Weights.Value.Data[0] = -2; layer.Weights.Value.Data[1] = 2;   // row of x: (w→class0, w→class1)
        layer.Weights.Value.Data[2] = 0; layer.Weights.Value.Data[3] = 0;
        layer.Bias.Value.Clear();
        var network = new Sequential(layer);
        var points = new ImageDataset("two", Matrix.FromArray(new float[,] { { -1, -2 }, { 1, 2 } }), [0, 1], 1, 2, ["a", "b"]);

        var grid = DecisionGrid.Compute(network, points, resolution: 5, margin: 0.5);

        Assert.Equal([-1.5, -0.75, 0, 0.75, 1.5], grid.Xs);
        Assert.Equal(-2.5, grid.Ys[0], 12);
        Assert.Equal(2.5, grid.Ys[^1], 12);
        Assert.Equal(2, grid.ClassCount);
        Assert.Equal(1 / (1 + Math.Exp(-4 * 0.75)), grid.Probability(3, 1, 1), 5);
        Assert.Equal(0, grid.PredictedClass(0, 4));
        Assert.Equal(1, grid.PredictedClass(4, 0));
    }

    [Fact]
    public void Grid_needs_two_inputs()
    {
        var network = Sequential.Mlp(3, [4], 2);
        ImageDataset points = ToyDatasets.Moons(5);

        ArgumentException ex = Assert.Throws<ArgumentException>(() => DecisionGrid.Compute(network, points));
        Assert.Contains("2 inputs", ex.Message);
    }
}

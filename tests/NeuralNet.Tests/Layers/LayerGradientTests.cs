using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

public class LayerGradientTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string layer in new[] { "Linear", "ReLU", "Sigmoid", "Tanh", "Softmax" })
            foreach ((int batch, int width) in new[] { (1, 1), (3, 5), (7, 13), (2, 17) })
                data.Add(layer, batch, width);
        return data;
    }

    private static ILayer Create(string name, int width, Random random) => name switch
    {
        "Linear" => new Linear(width, width + 2, Init.Xavier, random),
        "ReLU" => new ReLU(),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "Softmax" => new Softmax(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_finite_differences(string layerName, int batch, int width)
    {
        var random = new Random(batch * 100 + width);
        ILayer layer = Create(layerName, width, random);
        // Keep inputs away from ReLU's kink at 0, where the derivative does not exist.
        Matrix input = GradientCheck.RandomMatrix(batch, width, random, scale: 2f, avoidBelow: 0.05f);

        double error = GradientCheck.MaxRelativeError(layer, input);

        Assert.True(error < GradientCheck.Tolerance, $"{layer.Name} {batch}x{width}: max relative error {error:E2}");
    }

    [Fact]
    public void Whole_network_gradient_matches_finite_differences()
    {
        var random = new Random(7);
        var net = new Sequential(
            new Linear(6, 5, Init.He, random), new Tanh(),
            new Linear(5, 4, Init.He, random), new ReLU(),
            new Linear(4, 3, Init.Xavier, random), new Sigmoid());
        Matrix input = GradientCheck.RandomMatrix(4, 6, random);
        Matrix probe = GradientCheck.RandomMatrix(4, 3, random);
        double Loss() => GradientCheck.Dot(net.Forward(input), probe);

        net.Forward(input);
        Matrix dInput = net.Backward(probe).Clone();
        var grads = net.Parameters.Select(p => p.Gradient.Clone()).ToList();

        double worst = GradientCheck.Compare(input, dInput, Loss);
        for (int i = 0; i < grads.Count; i++)
            worst = Math.Max(worst, GradientCheck.Compare(net.Parameters[i].Value, grads[i], Loss));
        Assert.True(worst < GradientCheck.Tolerance, $"max relative error {worst:E2}");
    }
}

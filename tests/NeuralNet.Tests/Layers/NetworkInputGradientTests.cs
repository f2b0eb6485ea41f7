using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

/// <summary>
/// Sequential.Backward must return ∂L/∂input whenever it is asked for it, for every network the library
/// builds, fresh or reloaded from a model file, and even right after a training step that did not ask for it.
/// </summary>
public class NetworkInputGradientTests
{
    public static TheoryData<string> Builders => [.. NetworkBuilders.Keys];

    // Every public builder of a whole network, at a size small enough for finite differences.
    private static readonly Dictionary<string, Func<Sequential>> NetworkBuilders = new()
    {
        ["Sequential.Mlp relu"] = () => Sequential.Mlp(12, [7, 5], 3, seed: 1),
        ["Sequential.Mlp gelu"] = () => Sequential.Mlp(12, [7], 3, "gelu", seed: 1),
        ["Sequential.Mlp tanh"] = () => Sequential.Mlp(12, [7], 3, "tanh", seed: 1),
        ["ConvNet.Small"] = () => SmallCnn(batchNorm: false, dropout: 0),
        ["ConvNet.Small batchNorm dropout"] = () => SmallCnn(batchNorm: true, dropout: 0.3),
    };

    private static Sequential SmallCnn(bool batchNorm, double dropout) =>
        ConvNet.Small(new ImageShape(1, 6, 6), classes: 3, seed: 1, batchNorm: batchNorm, dropout: dropout,
            filters1: 2, filters2: 3, hidden: 5, kernelSize: 3, padding: 1);

    [Theory]
    [MemberData(nameof(Builders))]
    public void Backward_returns_the_finite_difference_input_gradient_before_and_after_save_and_load(string builder)
    {
        using var folder = new TestData.TempFolder();
        Sequential net = NetworkBuilders[builder]();
        var random = new Random(5);
        Matrix input = GradientCheck.RandomMatrix(2, net.InputSize, random);
        Matrix probe = GradientCheck.RandomMatrix(2, net.OutputSize, random);

        // A training step first, as the Trainer runs it: no input gradient asked for.
        net.Forward(input, training: true);
        net.Backward(probe, needInputGradient: false);
        double freshError = InputGradientError(net, input, probe);

        ModelFile.Save(net, folder.File("net.nnm"));
        Sequential loaded = ModelFile.Load(folder.File("net.nnm"));
        double loadedError = InputGradientError(loaded, input, probe);

        Assert.True(freshError < 1e-2, $"{builder}: relative error {freshError:G3} before saving");
        Assert.True(loadedError < 1e-2, $"{builder}: relative error {loadedError:G3} after loading");
    }

    // ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖) of ∂L/∂input for L = Σ output ⊙ probe, in inference mode
    // (dropout off, batch norm on its running statistics, so L is a fixed function of the input). A gradient of
    // zeros scores 1. Measured over the whole vector so that a ReLU or max-pool kink crossed by the finite
    // difference step in one element cannot fail it alone.
    private static double InputGradientError(Sequential net, Matrix input, Matrix probe)
    {
        net.Forward(input);
        Matrix analytic = net.Backward(probe).Clone();
        Assert.Equal(input.Shape, analytic.Shape);
        const float step = 1e-3f;
        double difference = 0, analyticNorm = 0, numericNorm = 0;
        Span<float> x = input.Span;
        for (int i = 0; i < x.Length; i++)
        {
            float original = x[i];
            x[i] = original + step;
            double plus = GradientCheck.Dot(net.Forward(input), probe);
            x[i] = original - step;
            double minus = GradientCheck.Dot(net.Forward(input), probe);
            x[i] = original;
            double numeric = (plus - minus) / (2 * step);
            difference += Math.Pow(analytic.Span[i] - numeric, 2);
            analyticNorm += Math.Pow(analytic.Span[i], 2);
            numericNorm += numeric * numeric;
        }
        return Math.Sqrt(difference) / Math.Max(Math.Sqrt(analyticNorm) + Math.Sqrt(numericNorm), 1e-12);
    }
}

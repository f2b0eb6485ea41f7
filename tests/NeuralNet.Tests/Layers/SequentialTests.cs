using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

public class SequentialTests
{
    [Fact]
    public void Mismatched_layers_name_the_layer_and_both_widths()
    {
        ShapeMismatchException e = Assert.Throws<ShapeMismatchException>(() => new Sequential(
            new Linear(784, 128), new ReLU(), new Linear(64, 10)));

        Assert.Contains("Layer 2", e.Message);
        Assert.Contains("128", e.Message);
        Assert.Contains("64", e.Message);
    }

    [Fact]
    public void Forward_rejects_a_batch_of_the_wrong_width()
    {
        var net = Sequential.Mlp(4, [3], 2);
        ShapeMismatchException e = Assert.Throws<ShapeMismatchException>(() => net.Forward(new Matrix(5, 7)));
        Assert.Contains("5x7", e.Message);
        Assert.Contains("4 input features", e.Message);
    }

    [Fact]
    public void Mlp_builds_the_described_layers_with_reproducible_weights()
    {
        var a = Sequential.Mlp(784, [128, 64], 10, seed: 5);
        var b = Sequential.Mlp(784, [128, 64], 10, seed: 5);
        var c = Sequential.Mlp(784, [128, 64], 10, seed: 6);

        Assert.Equal("Linear(784→128) → ReLU → Linear(128→64) → ReLU → Linear(64→10)", a.ToString());
        Assert.Equal(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, a.ParameterCount);
        Assert.True(a.Parameters[0].Value.Span.SequenceEqual(b.Parameters[0].Value.Span));
        Assert.False(a.Parameters[0].Value.Span.SequenceEqual(c.Parameters[0].Value.Span));
    }

    [Fact]
    public void Probabilities_sum_to_one_and_agree_with_predictions()
    {
        var net = Sequential.Mlp(6, [5], 4, seed: 1);
        Matrix input = GradientCheck.RandomMatrix(2500, 6, new Random(2)); // more than one evaluation chunk

        Matrix p = net.PredictProbabilities(input);
        int[] classes = net.Predict(input);

        for (int r = 0; r < input.Rows; r++)
        {
            float sum = 0;
            foreach (float v in p.Row(r)) sum += v;
            Assert.Equal(1f, sum, 1e-5f);
            Assert.Equal(MatrixOps.ArgMaxRows(new Matrix(1, 4, p.Row(r).ToArray()))[0], classes[r]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Fused_linear_relu_gives_the_same_bits_as_the_layers_one_by_one(int threads)
    {
        // Sequential.Forward runs each Linear → ReLU as one pass (ReLU in the product's epilogue), and
        // Sequential.Backward each ReLU → Linear (the derivative applied inside dX's product); the reference
        // is every layer's own Forward and Backward, one after the other.
        var net = Sequential.Mlp(784, [128, 64], 10, seed: 3);
        Matrix input = GradientCheck.RandomMatrix(64, 784, new Random(1));
        Matrix probe = GradientCheck.RandomMatrix(64, 10, new Random(2));
        int saved = ComputeSettings.ThreadCount;
        ComputeSettings.ThreadCount = threads;
        try
        {
            Matrix x = input;
            foreach (ILayer layer in net.Layers) x = layer.Forward(x, training: true);
            float[] unfusedOutput = x.Span.ToArray();
            Matrix g = probe;
            for (int l = net.Layers.Count - 1; l >= 0; l--) g = net.Layers[l].Backward(g);
            float[] unfusedInputGradient = g.Span.ToArray();
            var unfusedGradients = net.Parameters.Select(p => p.Gradient.Span.ToArray()).ToList();

            float[] fusedOutput = net.Forward(input, training: true).Span.ToArray();
            float[] fusedInputGradient = net.Backward(probe).Span.ToArray();

            Assert.Equal(Bits(unfusedOutput), Bits(fusedOutput));
            Assert.Equal(Bits(unfusedInputGradient), Bits(fusedInputGradient));
            for (int i = 0; i < unfusedGradients.Count; i++) Assert.Equal(Bits(unfusedGradients[i]), Bits(net.Parameters[i].Gradient.Span.ToArray()));
        }
        finally
        {
            ComputeSettings.ThreadCount = saved;
        }
    }

    [Fact]
    public void A_relu_first_layer_fused_into_the_next_linear_backward_returns_the_network_input_gradient()
    {
        var net = new Sequential(new ReLU(), new Linear(5, 3, random: new Random(1)));
        Matrix input = GradientCheck.RandomMatrix(4, 5, new Random(2));
        Matrix probe = GradientCheck.RandomMatrix(4, 3, new Random(3));

        net.Layers[1].Forward(net.Layers[0].Forward(input));   // the layers one by one: the reference
        float[] reference = net.Layers[0].Backward(net.Layers[1].Backward(probe)).Span.ToArray();
        net.Forward(input);
        float[] fused = net.Backward(probe).Span.ToArray();

        Assert.Equal(Bits(reference), Bits(fused));
        Assert.Contains(fused, v => v == 0f);   // the negative inputs' gradients are cut
        Assert.Contains(fused, v => v != 0f);
    }

    [Fact]
    public void Skipping_the_input_gradient_leaves_the_parameter_gradients_unchanged()
    {
        var net = Sequential.Mlp(6, [5], 3, seed: 4);
        Matrix input = GradientCheck.RandomMatrix(4, 6, new Random(1));
        Matrix probe = GradientCheck.RandomMatrix(4, 3, new Random(2));

        net.Forward(input);
        net.Backward(probe);
        var full = net.Parameters.Select(p => p.Gradient.Span.ToArray()).ToList();
        net.Forward(input);
        Matrix skipped = net.Backward(probe, needInputGradient: false);

        Assert.Equal(0, skipped.Length);
        for (int i = 0; i < full.Count; i++) Assert.Equal(full[i], net.Parameters[i].Gradient.Span.ToArray());
    }

    [Fact]
    public void A_network_can_be_a_layer_of_another_and_gives_the_flat_network_bits()
    {
        Sequential Flat() => new(new Linear(6, 5, random: new Random(1)), new ReLU(), new Linear(5, 4, random: new Random(2)), new ReLU(), new Linear(4, 3, random: new Random(3)));
        Sequential flat = Flat();
        Sequential parts = Flat();
        var nested = new Sequential(new Sequential(parts.Layers[0], parts.Layers[1], parts.Layers[2]), parts.Layers[3], parts.Layers[4]);
        Matrix input = GradientCheck.RandomMatrix(7, 6, new Random(4));
        Matrix probe = GradientCheck.RandomMatrix(7, 3, new Random(5));

        float[] flatOutput = flat.Forward(input, training: true).Span.ToArray();
        float[] flatInputGradient = flat.Backward(probe).Span.ToArray();
        float[] nestedOutput = nested.Forward(input, training: true).Span.ToArray();
        float[] nestedInputGradient = nested.Backward(probe).Span.ToArray();

        Assert.Equal(Bits(flatOutput), Bits(nestedOutput));
        Assert.Equal(Bits(flatInputGradient), Bits(nestedInputGradient));
        Assert.Equal(flat.Parameters.Count, nested.Parameters.Count);
        for (int i = 0; i < flat.Parameters.Count; i++)
            Assert.Equal(Bits(flat.Parameters[i].Gradient.Span.ToArray()), Bits(nested.Parameters[i].Gradient.Span.ToArray()));
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}

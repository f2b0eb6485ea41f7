using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

public class DropoutTests
{
    [Fact]
    public void Inference_passes_the_input_through()
    {
        var dropout = new Dropout(0.5);
        Matrix x = GradientCheck.RandomMatrix(4, 10, new Random(1));

        Matrix y = dropout.Forward(x, training: false);

        Assert.Equal(x.Span.ToArray(), y.Span.ToArray());
        Assert.Same(x, dropout.Backward(x));
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void Training_drops_the_rate_and_scales_the_survivors(double rate)
    {
        var dropout = new Dropout(rate, seed: 3);
        var x = new Matrix(100, 100);
        x.Fill(1f);

        Matrix y = dropout.Forward(x, training: true);

        float scale = (float)(1 / (1 - rate));
        int dropped = 0;
        foreach (float v in y.Span)
        {
            if (v == 0f) dropped++;
            else Assert.Equal(scale, v, 1e-6f);
        }
        Assert.InRange(dropped / 10000.0, rate - 0.03, rate + 0.03);
        // Inverted dropout keeps the expected value: the mean stays near 1.
        Assert.InRange(y.Span.ToArray().Average(), 0.95, 1.05);
    }

    [Fact]
    public void Backward_matches_finite_differences_for_a_fixed_mask()
    {
        var random = new Random(4);
        Matrix x = GradientCheck.RandomMatrix(3, 7, random);
        Matrix probe = GradientCheck.RandomMatrix(3, 7, random);
        var dropout = new Dropout(0.4, seed: 11);
        dropout.Forward(x, training: true);
        Matrix analytic = dropout.Backward(probe).Clone();

        // A fresh layer with the same seed draws the same mask, so L(x) = Σ dropout(x) ⊙ R is fixed.
        double error = GradientCheck.Compare(x, analytic, () => GradientCheck.Dot(new Dropout(0.4, seed: 11).Forward(x, training: true), probe));

        Assert.True(error < GradientCheck.Tolerance, $"max relative error {error:E2}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_mask()
    {
        var x = new Matrix(8, 8);
        x.Fill(1f);

        float[] first = new Dropout(0.5, seed: 7).Forward(x, training: true).Span.ToArray();
        float[] second = new Dropout(0.5, seed: 7).Forward(x, training: true).Span.ToArray();

        Assert.Equal(first, second);
    }
}

using NeuralNet.Initialization;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Initialization;

public class InitializationTests
{
    private static (double Mean, double Variance, double MaxAbs) Statistics(Matrix m)
    {
        double mean = 0, squares = 0, maxAbs = 0;
        foreach (float v in m.Span) { mean += v; squares += (double)v * v; maxAbs = Math.Max(maxAbs, Math.Abs(v)); }
        mean /= m.Length;
        return (mean, squares / m.Length - mean * mean, maxAbs);
    }

    [Fact]
    public void He_has_variance_two_over_fan_in()
    {
        var weights = new Matrix(784, 256);
        Init.He.Initialize(weights, new Random(1));
        (double mean, double variance, double _) = Statistics(weights);

        Assert.Equal(0, mean, 0.002);
        Assert.Equal(2.0 / 784, variance, 2.0 / 784 * 0.02); // 200k samples: the sample variance is within 2%
    }

    [Fact]
    public void Xavier_is_uniform_within_the_glorot_limit()
    {
        var weights = new Matrix(300, 100);
        Init.Xavier.Initialize(weights, new Random(1));
        (double mean, double variance, double maxAbs) = Statistics(weights);
        double limit = Math.Sqrt(6.0 / 400);

        Assert.True(maxAbs <= limit, $"max |w| {maxAbs} exceeds {limit}");
        Assert.True(maxAbs > limit * 0.99, "a uniform sample of 30k should come near the limit");
        Assert.Equal(0, mean, 0.003);
        Assert.Equal(limit * limit / 3, variance, limit * limit / 3 * 0.03);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights()
    {
        var a = new Matrix(10, 10);
        var b = new Matrix(10, 10);
        Init.He.Initialize(a, new Random(9));
        Init.He.Initialize(b, new Random(9));
        Assert.True(a.Span.SequenceEqual(b.Span));
    }
}

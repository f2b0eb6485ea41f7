using NeuralNet.Layers;
using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Tests.Layers;

public class BatchNormTests
{
    // Independent reference: normalise each channel over all its values in the batch (double), then γ·x̂ + β.
    private static double[] Reference(Matrix x, int channels, int plane, float[] gamma, float[] beta, double[]? mean = null, double[]? variance = null)
    {
        double[] y = new double[x.Length];
        for (int c = 0; c < channels; c++)
        {
            var values = new List<(int Index, double Value)>();
            for (int n = 0; n < x.Rows; n++)
                for (int p = 0; p < plane; p++)
                {
                    int index = n * channels * plane + c * plane + p;
                    values.Add((index, x.Span[index]));
                }
            double mu = mean?[c] ?? values.Average(v => v.Value);
            double sigma2 = variance?[c] ?? values.Average(v => (v.Value - mu) * (v.Value - mu));
            foreach ((int index, double value) in values)
                y[index] = gamma[c] * (value - mu) / Math.Sqrt(sigma2 + 1e-5) + beta[c];
        }
        return y;
    }

    private static BatchNorm Create(bool image, Random random)
    {
        BatchNorm bn = image ? new BatchNorm(new ImageShape(3, 2, 3)) : new BatchNorm(5);
        GradientCheck.RandomMatrix(1, bn.Channels, random, scale: 2f).Span.CopyTo(bn.Gamma.Value.Span);
        GradientCheck.RandomMatrix(1, bn.Channels, random).Span.CopyTo(bn.Beta.Value.Span);
        return bn;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Training_forward_normalises_each_channel_over_the_batch(bool image)
    {
        var random = new Random(image ? 1 : 2);
        BatchNorm bn = Create(image, random);
        int plane = bn.InputSize!.Value / bn.Channels;
        Matrix x = GradientCheck.RandomMatrix(4, bn.InputSize.Value, random, scale: 3f);
        for (int i = 0; i < x.Length; i++) x.Span[i] += 2f; // a non-zero mean to remove

        Matrix y = bn.Forward(x, training: true);

        double[] expected = Reference(x, bn.Channels, plane, bn.Gamma.Value.Span.ToArray(), bn.Beta.Value.Span.ToArray());
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Span[i], 4);
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(false, 6)]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    public void Backward_matches_finite_differences_in_training(bool image, int batch)
    {
        var random = new Random(batch * 7 + (image ? 1 : 0));
        BatchNorm bn = Create(image, random);
        Matrix x = GradientCheck.RandomMatrix(batch, bn.InputSize!.Value, random, scale: 2f);

        double error = GradientCheck.MaxRelativeError(bn, x);

        Assert.True(error < GradientCheck.Tolerance, $"{bn.Name} batch {batch}: max relative error {error:E2}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Inference_uses_the_running_statistics(bool image)
    {
        var random = new Random(3);
        BatchNorm bn = image ? new BatchNorm(new ImageShape(3, 2, 3), momentum: 1) : new BatchNorm(5, momentum: 1);
        int plane = bn.InputSize!.Value / bn.Channels;
        Matrix x = GradientCheck.RandomMatrix(6, bn.InputSize.Value, random, scale: 3f);
        bn.Forward(x, training: true);  // momentum 1: the running statistics become this batch's

        double[] mean = bn.RunningMean.Span.ToArray().Select(v => (double)v).ToArray();
        double[] variance = bn.RunningVariance.Span.ToArray().Select(v => (double)v).ToArray();
        Matrix other = GradientCheck.RandomMatrix(2, bn.InputSize.Value, random);
        Matrix y = bn.Forward(other, training: false);

        double[] batchMean = Enumerable.Range(0, bn.Channels).Select(c =>
            Enumerable.Range(0, x.Rows).SelectMany(n => Enumerable.Range(0, plane).Select(p => (double)x[n, c * plane + p])).Average()).ToArray();
        for (int c = 0; c < bn.Channels; c++) Assert.Equal(batchMean[c], mean[c], 4);
        double[] expected = Reference(other, bn.Channels, plane, bn.Gamma.Value.Span.ToArray(), bn.Beta.Value.Span.ToArray(), mean, variance);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Span[i], 4);
        // The running variance is the unbiased one: M/(M−1) times the batch variance.
        for (int c = 0; c < bn.Channels; c++)
        {
            double[] values = Enumerable.Range(0, x.Rows).SelectMany(n => Enumerable.Range(0, plane).Select(p => (double)x[n, c * plane + p])).ToArray();
            double unbiased = values.Sum(v => (v - batchMean[c]) * (v - batchMean[c])) / (values.Length - 1);
            Assert.Equal(unbiased, variance[c], 4);
        }
    }

    [Fact]
    public void Backward_matches_finite_differences_at_inference()
    {
        var random = new Random(8);
        BatchNorm bn = Create(image: true, random);
        bn.Forward(GradientCheck.RandomMatrix(5, bn.InputSize!.Value, random, scale: 2f), training: true);
        Matrix x = GradientCheck.RandomMatrix(2, bn.InputSize.Value, random);
        Matrix probe = GradientCheck.RandomMatrix(2, bn.InputSize.Value, random);
        bn.Forward(x, training: false);
        Matrix analytic = bn.Backward(probe).Clone();

        double error = GradientCheck.Compare(x, analytic, () => GradientCheck.Dot(bn.Forward(x, training: false), probe));

        Assert.True(error < GradientCheck.Tolerance, $"max relative error {error:E2}");
    }

    [Fact]
    public void Early_stopping_restores_the_running_statistics_with_the_weights()
    {
        var bn = new BatchNorm(3);
        var net = new Sequential(new Linear(2, 3, random: new Random(1)), bn);
        var early = new EarlyStopping(net, patience: null);
        net.Forward(GradientCheck.RandomMatrix(4, 2, new Random(2), scale: 3f), training: true);
        float[] best = bn.RunningMean.Span.ToArray();
        early.ShouldStop(1, validationLoss: 1.0);
        net.Forward(GradientCheck.RandomMatrix(4, 2, new Random(3), scale: 3f), training: true); // moves the statistics
        early.ShouldStop(2, validationLoss: 2.0);                                                  // a worse epoch

        early.RestoreBest();

        Assert.Equal(best, bn.RunningMean.Span.ToArray());
    }
}

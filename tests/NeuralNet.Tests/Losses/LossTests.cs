using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Losses;

public class LossTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(5, 10)]
    [InlineData(8, 7)]
    public void Softmax_cross_entropy_gradient_matches_finite_differences(int batch, int classes)
    {
        var random = new Random(batch + classes);
        Matrix logits = GradientCheck.RandomMatrix(batch, classes, random, scale: 3f);
        int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(classes)).ToArray();
        var loss = new SoftmaxCrossEntropy();
        var gradient = new Matrix(batch, classes);
        var scratch = new Matrix(batch, classes);

        loss.Compute(logits, labels, gradient);
        double error = GradientCheck.Compare(logits, gradient, () => loss.Compute(logits, labels, scratch));

        Assert.True(error < GradientCheck.Tolerance, $"max relative error {error:E2}");
    }

    [Fact]
    public void Softmax_cross_entropy_gradient_is_p_minus_y_over_batch()
    {
        var logits = Matrix.FromArray(new float[,] { { 1, 2, 3 }, { 0, 0, 0 } });
        var gradient = new Matrix(2, 3);
        new SoftmaxCrossEntropy().Compute(logits, [2, 0], gradient);

        var p = new Matrix(2, 3);
        Softmax.Apply(logits, p);
        Assert.Equal((p[0, 2] - 1) / 2, gradient[0, 2], 1e-6f);
        Assert.Equal(p[0, 0] / 2, gradient[0, 0], 1e-6f);
        Assert.Equal((1f / 3 - 1) / 2, gradient[1, 0], 1e-6f);
    }

    [Fact]
    public void Mean_squared_error_gradient_matches_finite_differences()
    {
        var random = new Random(3);
        Matrix output = GradientCheck.RandomMatrix(4, 5, random);
        int[] labels = [0, 4, 2, 2];
        var loss = new MeanSquaredError();
        var gradient = new Matrix(4, 5);
        var scratch = new Matrix(4, 5);

        loss.Compute(output, labels, gradient);
        double error = GradientCheck.Compare(output, gradient, () => loss.Compute(output, labels, scratch));

        Assert.True(error < GradientCheck.Tolerance, $"max relative error {error:E2}");
    }

    [Fact]
    public void Huge_logits_do_not_overflow()
    {
        var logits = Matrix.FromArray(new float[,] { { 1000f, 1001f, 1002f }, { -1000f, 0f, 1000f } });
        var p = new Matrix(2, 3);
        Softmax.Apply(logits, p);
        var gradient = new Matrix(2, 3);
        float loss = new SoftmaxCrossEntropy().Compute(logits, [0, 1], gradient);

        Assert.All(p.Span.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0.6652409f, p[0, 2], 1e-5f); // e^2 / (1 + e + e^2)
        Assert.True(float.IsFinite(loss));
        Assert.Equal((2.407606f + 1000f) / 2, loss, 1e-2f); // −log p: 2.4076 for row 0, 1000 for row 1
    }

    [Fact]
    public void A_label_outside_the_classes_is_rejected()
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SoftmaxCrossEntropy().Compute(new Matrix(1, 3), [3], new Matrix(1, 3)));
        Assert.Contains("Label 3", e.Message);
    }
}

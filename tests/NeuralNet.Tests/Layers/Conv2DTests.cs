using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

public class Conv2DTests
{
    // Independent reference: the definition of a convolution (cross-correlation), summed in double.
    private static double[,] DirectConvolution(Matrix x, Conv2D conv)
    {
        ImageShape i = conv.InputShape, o = conv.OutputShape;
        int k = conv.KernelSize;
        var y = new double[x.Rows, o.Size];
        for (int n = 0; n < x.Rows; n++)
            for (int f = 0; f < o.Channels; f++)
                for (int oy = 0; oy < o.Height; oy++)
                    for (int ox = 0; ox < o.Width; ox++)
                    {
                        double sum = conv.Bias.Value[0, f];
                        for (int c = 0; c < i.Channels; c++)
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int iy = oy * conv.Stride + ky - conv.Padding, ix = ox * conv.Stride + kx - conv.Padding;
                                    if (iy < 0 || iy >= i.Height || ix < 0 || ix >= i.Width) continue;
                                    sum += (double)conv.Weights.Value[f, (c * k + ky) * k + kx] * x[n, (c * i.Height + iy) * i.Width + ix];
                                }
                        y[n, (f * o.Height + oy) * o.Width + ox] = sum;
                    }
        return y;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void Forward_matches_a_direct_convolution(int stride, int padding)
    {
        var random = new Random(stride * 10 + padding);
        var conv = new Conv2D(new ImageShape(2, 7, 6), filters: 3, kernelSize: 3, stride, padding, Init.He, random);
        GradientCheck.RandomMatrix(1, 3, random).Span.CopyTo(conv.Bias.Value.Span);
        Matrix x = GradientCheck.RandomMatrix(3, conv.InputShape.Size, random);

        Matrix y = conv.Forward(x);

        double[,] expected = DirectConvolution(x, conv);
        Assert.Equal(x.Rows, y.Rows);
        Assert.Equal(conv.OutputShape.Size, y.Cols);
        for (int n = 0; n < y.Rows; n++)
            for (int j = 0; j < y.Cols; j++)
                Assert.True(Math.Abs(y[n, j] - expected[n, j]) < 1e-5, $"({n}, {j}): {y[n, j]} vs {expected[n, j]}");
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 2)]
    [InlineData(2, 1, 2)]
    [InlineData(2, 0, 3)]
    public void Backward_matches_finite_differences(int stride, int padding, int batch)
    {
        var random = new Random(stride * 100 + padding * 10 + batch);
        var conv = new Conv2D(new ImageShape(2, 5, 6), filters: 3, kernelSize: 3, stride, padding, Init.Xavier, random);
        Matrix x = GradientCheck.RandomMatrix(batch, conv.InputShape.Size, random);

        double error = GradientCheck.MaxRelativeError(conv, x);

        Assert.True(error < GradientCheck.Tolerance, $"{conv.Name}: max relative error {error:E2}");
    }

    [Fact]
    public void Inference_in_groups_matches_the_whole_batch_at_once()
    {
        // 16x28x28 with 5x5 windows unfolds to 400 x 784 per image, so inference splits 30 images into groups.
        var random = new Random(3);
        var conv = new Conv2D(new ImageShape(16, 28, 28), filters: 4, kernelSize: 5, padding: 2, random: random);
        Matrix x = GradientCheck.RandomMatrix(30, conv.InputShape.Size, random);

        Matrix whole = conv.Forward(x, training: true).Clone();
        Matrix grouped = conv.Forward(x, training: false);

        for (int i = 0; i < whole.Length; i++) Assert.Equal(whole.Span[i], grouped.Span[i], 1e-5f);
    }

    [Fact]
    public void Backward_after_an_inference_forward_still_gives_the_gradient()
    {
        var random = new Random(5);
        var conv = new Conv2D(new ImageShape(16, 28, 28), filters: 2, kernelSize: 5, padding: 2, random: random);
        Matrix x = GradientCheck.RandomMatrix(20, conv.InputShape.Size, random);
        Matrix dy = GradientCheck.RandomMatrix(20, conv.OutputShape.Size, random);
        conv.Forward(x, training: true);
        Matrix expected = conv.Backward(dy).Clone();
        Matrix expectedW = conv.Weights.Gradient.Clone();

        conv.Forward(x, training: false);
        Matrix actual = conv.Backward(dy);

        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected.Span[i], actual.Span[i], 1e-5f);
        for (int i = 0; i < expectedW.Length; i++) Assert.Equal(expectedW.Span[i], conv.Weights.Gradient.Span[i], 1e-3f);
    }

    [Theory]
    [InlineData(28, 5, 1, 2, 28)]
    [InlineData(28, 5, 1, 0, 24)]
    [InlineData(14, 3, 2, 1, 7)]
    [InlineData(7, 7, 1, 0, 1)]
    public void Output_shape_follows_the_size_formula(int side, int kernel, int stride, int padding, int expected)
    {
        var conv = new Conv2D(new ImageShape(3, side, side), filters: 8, kernel, stride, padding);

        Assert.Equal(new ImageShape(8, expected, expected), conv.OutputShape);
        Assert.Equal(8 * expected * expected, conv.OutputSizeFor(3 * side * side));
        Assert.Equal(8 * 3 * kernel * kernel + 8, conv.Parameters.Sum(p => p.Value.Length));
    }

    [Fact]
    public void A_network_that_does_not_fit_names_the_layer()
    {
        var conv = new Conv2D(new ImageShape(1, 28, 28), 16, 5, padding: 2);

        var e = Assert.Throws<ShapeMismatchException>(() => new Sequential(conv, new Linear(16 * 14 * 14, 10)));

        Assert.Contains("Layer 1", e.Message);
        Assert.Contains("Conv2D", e.Message);
    }

    [Fact]
    public void Unfold_and_fold_are_adjoint()
    {
        // <Unfold(x), u> = <x, Fold(u)> for any x and u: Fold is exactly the transpose of Unfold.
        var random = new Random(9);
        var g = new ConvGeometry(new ImageShape(2, 6, 5), kernel: 3, stride: 2, padding: 1);
        Matrix x = GradientCheck.RandomMatrix(2, g.Input.Size, random);
        var columns = new Matrix(0, 0);
        Im2Col.Unfold(x, 0, 2, g, columns);
        Matrix u = GradientCheck.RandomMatrix(columns.Rows, columns.Cols, random);
        var folded = new Matrix(2, g.Input.Size);
        Im2Col.Fold(u, 0, 2, g, folded);

        Assert.Equal(GradientCheck.Dot(columns, u), GradientCheck.Dot(x, folded), 4);
    }
}

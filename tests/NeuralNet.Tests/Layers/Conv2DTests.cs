using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

// One test here sets the process-wide ComputeSettings.ThreadCount: not in parallel with the others that do.
[Collection("ComputeSettings")]
public class Conv2DTests
{
    // Independent reference: the definition of a convolution (cross-correlation), summed in double.
    private static double[,] DirectConvolution(Matrix x, Conv2D conv)
    {
        ImageShape i = conv.InputShape, o = conv.OutputShape;
        int k = conv.KernelSize;
        double[,] y = new double[x.Rows, o.Size];
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
    [InlineData(1, 3, 2)]   // padding above K − 1: the direct forward pass, dX by im2col
    public void Backward_matches_finite_differences(int stride, int padding, int batch)
    {
        var random = new Random(stride * 100 + padding * 10 + batch);
        var conv = new Conv2D(new ImageShape(2, 5, 6), filters: 3, kernelSize: 3, stride, padding, Init.Xavier, random);
        Matrix x = GradientCheck.RandomMatrix(batch, conv.InputShape.Size, random);

        double error = GradientCheck.MaxRelativeError(conv, x);

        Assert.True(error < GradientCheck.Tolerance, $"{conv.Name}: max relative error {error:E2}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Processing_in_groups_of_images_gives_the_same_results(int groupSize)
    {
        // The budget makes the layer unfold `groupSize` images at a time instead of all 7 (stride 2 takes the
        // im2col route; its output is 4 x 5 x 4, 20 positions per filter).
        var shape = new ImageShape(3, 9, 8);
        var whole = new Conv2D(shape, filters: 4, kernelSize: 3, stride: 2, padding: 1, random: new Random(3));
        var grouped = new Conv2D(shape, filters: 4, kernelSize: 3, stride: 2, padding: 1, random: new Random(3))
        {
            ColumnBudget = groupSize * 27 * 20,
        };
        var random = new Random(4);
        Matrix x = GradientCheck.RandomMatrix(7, shape.Size, random);
        Matrix dy = GradientCheck.RandomMatrix(7, whole.OutputShape.Size, random);

        Matrix y1 = whole.Forward(x, training: true).Clone(), y2 = grouped.Forward(x, training: true);
        Matrix dx1 = whole.Backward(dy).Clone(), dx2 = grouped.Backward(dy);

        for (int i = 0; i < y1.Length; i++) Assert.Equal(y1.Span[i], y2.Span[i], 1e-5f);
        for (int i = 0; i < dx1.Length; i++) Assert.Equal(dx1.Span[i], dx2.Span[i], 1e-5f);
        for (int p = 0; p < 2; p++)
            for (int i = 0; i < whole.Parameters[p].Gradient.Length; i++)
                Assert.Equal(whole.Parameters[p].Gradient.Span[i], grouped.Parameters[p].Gradient.Span[i], 1e-4f);
    }

    [Theory]
    [InlineData(1, 72)]   // the direct kernels
    [InlineData(2, 20)]   // the im2col route
    public void Gradients_are_bit_identical_on_one_thread_and_on_all(int stride, int positions)
    {
        // The trainer may switch thread counts mid-training (--threads auto): dW must not depend on it.
        var shape = new ImageShape(3, 9, 8);
        var random = new Random(5);
        Matrix x = GradientCheck.RandomMatrix(8, shape.Size, random);
        Matrix dy = GradientCheck.RandomMatrix(8, 4 * positions, random);
        int saved = ComputeSettings.ThreadCount;
        float[][] Run(int threads)
        {
            ComputeSettings.ThreadCount = threads;
            var conv = new Conv2D(shape, filters: 4, kernelSize: 3, stride, padding: 1, random: new Random(3)) { ColumnBudget = 27 * positions };
            conv.Forward(x, training: true);
            float[] dx = conv.Backward(dy).Span.ToArray();
            return [dx, .. conv.Parameters.Select(p => p.Gradient.Span.ToArray())];
        }
        try
        {
            float[][] one = Run(1), all = Run(Math.Max(2, Environment.ProcessorCount));
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], all[i]);
        }
        finally
        {
            ComputeSettings.ThreadCount = saved;
        }
    }

    [Theory]
    [InlineData(1, 1, true)]    // the direct kernels
    [InlineData(1, 2, true)]
    [InlineData(1, 2, false)]
    [InlineData(2, 1, true)]    // the im2col route (first layer)
    [InlineData(2, 2, false)]
    public void A_relu_fused_into_the_convolution_gives_the_same_bits_as_the_layers_one_by_one(int stride, int threads, bool needInputGradient)
    {
        // Sequential runs each Conv2D → ReLU as one pass (rectified in the convolution's output copy, the
        // derivative applied inside its backward blocks); the reference is every layer's own Forward and Backward.
        var shape = new ImageShape(3, 9, 8);
        var first = new Conv2D(shape, filters: 4, kernelSize: 3, stride, padding: 1, random: new Random(3));
        var second = new Conv2D(first.OutputShape, filters: 5, kernelSize: 3, padding: 1, random: new Random(4));
        first.Bias.Value.Span.Fill(-0.1f);   // a few outputs exactly cut, whatever the weights
        var net = new Sequential(first, new ReLU(), second, new ReLU());
        Matrix x = GradientCheck.RandomMatrix(6, shape.Size, new Random(1));
        Matrix probe = GradientCheck.RandomMatrix(6, second.OutputShape.Size, new Random(2));
        int saved = ComputeSettings.ThreadCount;
        ComputeSettings.ThreadCount = threads;
        try
        {
            LayerByLayer.Pass reference = LayerByLayer.Reference(net, x, probe, needInputGradient);
            LayerByLayer.Pass fused = LayerByLayer.Network(net, x, probe, needInputGradient);

            Assert.Contains(reference.Output, v => v == 0);
            Assert.Contains(reference.Output, v => v > 0);
            Assert.Equal(reference.Output, fused.Output);
            for (int i = 0; i < reference.Gradients.Length; i++) Assert.Equal(reference.Gradients[i], fused.Gradients[i]);
            Assert.Equal(needInputGradient ? x.Length : 0, fused.Gradients[0].Length);
        }
        finally
        {
            ComputeSettings.ThreadCount = saved;
        }
    }

    [Fact]
    public void Backward_without_the_input_gradient_fills_the_same_parameter_gradients_and_skips_dX()
    {
        var shape = new ImageShape(1, 6, 6);
        var conv = new Conv2D(shape, 2, 3, random: new Random(1));
        Matrix x = GradientCheck.RandomMatrix(2, 36, new Random(2)), dy = GradientCheck.RandomMatrix(2, conv.OutputShape.Size, new Random(3));
        conv.Forward(x, training: true);
        Matrix fullDx = conv.Backward(dy).Clone();
        float[] fullDw = conv.Weights.Gradient.Span.ToArray(), fullDb = conv.Bias.Gradient.Span.ToArray();

        int skippedLength = conv.Backward(dy, needInputGradient: false).Length;
        float[] skippedDw = conv.Weights.Gradient.Span.ToArray(), skippedDb = conv.Bias.Gradient.Span.ToArray();
        Matrix again = conv.Backward(dy);

        Assert.Equal(0, skippedLength);
        Assert.Equal(fullDw, skippedDw);
        Assert.Equal(fullDb, skippedDb);
        Assert.Equal(fullDx.Span.ToArray(), again.Span.ToArray());   // the choice was for that one call
        Assert.Contains(fullDx.Span.ToArray(), v => v != 0f);
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

        ShapeMismatchException e = Assert.Throws<ShapeMismatchException>(() => new Sequential(conv, new Linear(16 * 14 * 14, 10)));

        Assert.Contains("Layer 1", e.Message);
        Assert.Contains("Conv2D", e.Message);
    }

    [Theory]
    [InlineData(3, 1, 0)]
    [InlineData(3, 1, 1)]
    [InlineData(5, 1, 2)]
    [InlineData(3, 2, 1)]
    public void Unfold_and_fold_are_adjoint(int kernel, int stride, int padding)
    {
        // <Unfold(x), u> = <x, Fold(u)> for any x and u: Fold is exactly the transpose of Unfold.
        var random = new Random(9);
        var g = new ConvGeometry(new ImageShape(2, 6, 5), kernel, stride, padding);
        Matrix x = GradientCheck.RandomMatrix(2, g.Input.Size, random);
        var columns = new Matrix(0, 0);
        Im2Col.Unfold(x, 0, 2, g, columns);
        Matrix u = GradientCheck.RandomMatrix(columns.Rows, columns.Cols, random);
        var folded = new Matrix(2, g.Input.Size);
        Im2Col.Fold(u, 0, 2, g, folded);

        Assert.Equal(GradientCheck.Dot(columns, u), GradientCheck.Dot(x, folded), 4);
    }
}

public class ConvNetTests
{
    [Theory]
    [InlineData(false, 0.0, 10)]
    [InlineData(true, 0.5, 14)]
    public void Small_builds_the_chapter_network(bool batchNorm, double dropout, int layerCount)
    {
        Sequential net = ConvNet.Small(seed: 1, batchNorm: batchNorm, dropout: dropout);

        Assert.Equal(784, net.InputSize);
        Assert.Equal(10, net.OutputSize);
        Assert.Equal(layerCount, net.Layers.Count);
        Assert.Equal(215_370 + (batchNorm ? 2 * (16 + 32 + 128) : 0), net.ParameterCount);
    }

    [Fact]
    public void The_same_seed_gives_the_same_network()
    {
        Sequential a = ConvNet.Small(seed: 3), b = ConvNet.Small(seed: 3);

        for (int i = 0; i < a.Parameters.Count; i++)
            Assert.Equal(a.Parameters[i].Value.Span.ToArray(), b.Parameters[i].Value.Span.ToArray());
    }
}

public class FlattenTests
{
    [Fact]
    public void Flatten_passes_values_and_gradients_through_unchanged()
    {
        var flatten = new Flatten();
        Matrix x = GradientCheck.RandomMatrix(3, 12, new Random(1));

        Matrix y = flatten.Forward(x, training: true);

        Assert.Equal(x.Span.ToArray(), y.Span.ToArray());
        Assert.Equal(12, flatten.OutputSizeFor(12));
        Assert.True(GradientCheck.MaxRelativeError(flatten, x) < GradientCheck.Tolerance);
    }
}

using NeuralNet.Engine;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Tensors;

public class DirectConvolutionTests
{
    private static float[] Values(int n, Random random) =>
        Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    [Theory]
    [InlineData(1, 28, 28, 16, 5, 2)]   // the chapter CNN's first convolution
    [InlineData(16, 14, 14, 32, 5, 2)]  // and its second
    [InlineData(32, 14, 14, 16, 5, 2)]  // the second one's input gradient (dY padded by K − 1 − p = 2)
    [InlineData(2, 7, 6, 3, 3, 0)]      // fewer filters than a block, no padding
    [InlineData(3, 9, 40, 10, 3, 1)]   // rows wider than one run of 32, filters in two blocks
    [InlineData(1, 5, 5, 1, 5, 4)]      // padding K − 1: every output sees the border
    [InlineData(2, 7, 13, 5, 5, 2)]     // rows aligned to 16 (narrower than the padded 17), an odd row count: the last run reads past the image
    public void The_fast_kernel_matches_the_reference_on_every_vector_width(int channels, int height, int width, int filters, int k, int padding)
    {
        var plan = new DirectConvolution.Plan(channels, height, width, filters, k, padding);
        var random = new Random(channels * 100 + width);
        float[] image = Values(channels * height * width, random), weights = Values(filters * plan.Taps, random), bias = Values(filters, random);
        int outSize = filters * plan.OutputHeight * plan.OutputWidth;
        float[] expected = new float[outSize];
        DirectConvolution.CorrelateReference(image, weights, bias, plan, expected);
        float[] packed = new float[plan.PackedLength];
        DirectConvolution.PackFilters(weights, plan, packed);

        foreach (Isa isa in Enum.GetValues<Isa>().Where(i => i <= SimdPath.Best))
        {
            using (ComputeContext.Current.Narrowed(simd: isa).Use())
            {
                float[] actual = new float[outSize];
                DirectConvolution.Correlate(image, packed, bias, plan, new float[plan.PaddedLength], new float[plan.GridBufferLength], actual);
                for (int i = 0; i < outSize; i++)
                    Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{isa}, output {i}: {actual[i]} vs {expected[i]}");
                // With rectify, the same output through VectorKernels' ReLU, bit for bit.
                float[] rectified = new float[outSize], relu = new float[outSize];
                DirectConvolution.Correlate(image, packed, bias, plan, new float[plan.PaddedLength], new float[plan.GridBufferLength], rectified, rectify: true);
                VectorKernels.ReluForwardScalar(actual, relu);
                Assert.Equal(relu.Select(BitConverter.SingleToInt32Bits), rectified.Select(BitConverter.SingleToInt32Bits));
                Assert.Contains(rectified, v => v == 0f);
            }
        }
    }

    [Theory]
    [InlineData(1, 28, 28, 16, 5, 2)]
    [InlineData(16, 14, 14, 32, 5, 2)]
    [InlineData(2, 7, 6, 3, 3, 0)]
    [InlineData(3, 9, 40, 40, 3, 1)]    // filters in two runs of 32, taps not a multiple of 8
    [InlineData(3, 9, 40, 12, 3, 1)]    // at most 16 filters (one vector per tile, 16 taps), 27 taps
    [InlineData(2, 7, 13, 5, 5, 2)]     // rows of 13 outputs in a padded width of 17
    public void The_fast_filter_gradient_matches_the_reference_on_every_vector_width(int channels, int height, int width, int filters, int k, int padding)
    {
        var plan = new DirectConvolution.Plan(channels, height, width, filters, k, padding);
        var random = new Random(channels * 10 + filters);
        int outSize = filters * plan.OutputHeight * plan.OutputWidth;
        float[] x1 = Values(channels * height * width, random), x2 = Values(x1.Length, random);
        float[] dy1 = Values(outSize, random), dy2 = Values(outSize, random);
        float[] expected = new float[filters * plan.Taps];
        DirectConvolution.AccumulateFilterGradientReference(x1, dy1, plan, expected);
        DirectConvolution.AccumulateFilterGradientReference(x2, dy2, plan, expected);
        int rows = DirectConvolution.GradientRows(plan), columns = DirectConvolution.GradientColumns(plan);

        foreach (Isa isa in Enum.GetValues<Isa>().Where(i => i <= SimdPath.Best))
        {
            using (ComputeContext.Current.Narrowed(simd: isa).Use())
            {
                // Two images summed into one gradient, through the same scratch buffers.
                float[] gradientT = new float[rows * columns];
                float[] padded = new float[plan.PaddedLength], dyT = new float[DirectConvolution.GradientPositions(plan) * columns];
                DirectConvolution.AccumulateFilterGradient(x1, dy1, plan, padded, dyT, gradientT);
                DirectConvolution.AccumulateFilterGradient(x2, dy2, plan, padded, dyT, gradientT);
                for (int f = 0; f < filters; f++)
                    for (int r = 0; r < plan.Taps; r++)
                    {
                        float actual = gradientT[r * columns + f], want = expected[f * plan.Taps + r];
                        Assert.True(Math.Abs(actual - want) <= 1e-4f * (1 + Math.Abs(want)), $"{isa}, dW[{f}, {r}]: {actual} vs {want}");
                    }
            }
        }
    }

    [Fact]
    public void Convolving_dY_with_the_flipped_filters_gives_the_adjoint()
    {
        // <conv(x), dy> = <x, conv_flipped(dy)> for any x and dy: the flipped convolution is the input gradient.
        var random = new Random(2);
        var forward = new DirectConvolution.Plan(3, 6, 7, 4, 3, 1);
        var backward = new DirectConvolution.Plan(4, forward.OutputHeight, forward.OutputWidth, 3, 3, 3 - 1 - 1);
        float[] x = Values(3 * 6 * 7, random), w = Values(4 * forward.Taps, random);
        float[] dy = Values(4 * forward.OutputHeight * forward.OutputWidth, random);
        float[] y = new float[dy.Length];
        float[] dx = new float[x.Length];
        float[] flipped = new float[w.Length];

        DirectConvolution.CorrelateReference(x, w, default, forward, y);
        DirectConvolution.FlipForInputGradient(w, 4, 3, 3, flipped);
        DirectConvolution.CorrelateReference(dy, flipped, default, backward, dx);

        double left = y.Zip(dy, (a, b) => (double)a * b).Sum(), right = x.Zip(dx, (a, b) => (double)a * b).Sum();
        Assert.Equal(left, right, 4);
    }
}

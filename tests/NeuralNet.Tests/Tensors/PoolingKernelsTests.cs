using NeuralNet.Tensors;

namespace NeuralNet.Tests.Tensors;

public class PoolingKernelsTests
{
    // Values after a ReLU: about half are exactly 0, so many windows tie (and the first corner must win),
    // and a few positive values repeat, so ties between other corners occur too.
    private static float[] ReluLikeValues(int n, int seed)
    {
        var random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++)
            values[i] = random.Next(4) switch { 0 or 1 => 0f, 2 => random.Next(1, 4) * 0.5f, _ => (float)random.NextDouble() };
        return values;
    }

    [Theory]
    [InlineData(16, 28, 28)]   // the chapter CNN's first pooling
    [InlineData(32, 14, 14)]   // and its second
    [InlineData(2, 5, 7)]      // odd sides: the last row and column belong to no window
    [InlineData(1, 4, 70)]     // rows longer than one 16-window chunk
    [InlineData(3, 2, 2)]
    public void The_vector_path_gives_the_scalar_reference_bits(int channels, int height, int width)
    {
        var image = new ImageShape(channels, height, width);
        int outSize = channels * (height / 2) * (width / 2);
        float[] x = ReluLikeValues(image.Size, height * width), dy = ReluLikeValues(outSize, 7);
        float[] y1 = new float[outSize], y2 = new float[outSize];
        int[] won1 = new int[outSize], won2 = new int[outSize];
        float[] dx1 = Enumerable.Repeat(9f, image.Size).ToArray(), dx2 = Enumerable.Repeat(9f, image.Size).ToArray();

        PoolingKernels.Forward2x2Scalar(x, image, y1, won1);
        PoolingKernels.Backward2x2Scalar(dy, won1, image, dx1);
        PoolingKernels.Forward2x2(x, image, y2, won2);
        PoolingKernels.Backward2x2(dy, won2, image, dx2);

        Assert.Equal(y1, y2);
        Assert.Equal(won1, won2);
        Assert.Equal(dx1, dx2);
    }

    [Fact]
    public void Ties_go_to_the_first_corner_in_reading_order()
    {
        // Windows: all equal; top-right = bottom-left above top-left; bottom-right alone on top.
        var image = new ImageShape(1, 2, 6);
        float[] x = [1, 1, 0, 2, 0, 0,
                     1, 1, 2, 0, 0, 3];
        float[] y = new float[3];
        int[] won = new int[3];

        PoolingKernels.Forward2x2(x, image, y, won);

        Assert.Equal([1f, 2f, 3f], y);
        Assert.Equal([0, 1, 3], won);
    }
}

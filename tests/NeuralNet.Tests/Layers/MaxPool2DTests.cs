using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

public class MaxPool2DTests
{
    // Distinct values at least 0.1 apart, so a finite-difference step of 0.01 never changes a window's winner.
    private static Matrix DistinctValues(int rows, int cols, Random random)
    {
        int[] order = Enumerable.Range(0, rows * cols).OrderBy(_ => random.Next()).ToArray();
        var m = new Matrix(rows, cols);
        for (int i = 0; i < order.Length; i++) m.Span[i] = (order[i] - order.Length / 2f) * 0.1f;
        return m;
    }

    [Theory]
    [InlineData(6, 6, 2, null)]
    [InlineData(5, 7, 2, null)]
    [InlineData(7, 7, 3, 2)]
    [InlineData(4, 4, 2, 1)]
    public void Forward_takes_the_maximum_of_each_window(int height, int width, int size, int? stride)
    {
        var random = new Random(height * width + size);
        var pool = new MaxPool2D(new ImageShape(2, height, width), size, stride);
        Matrix x = GradientCheck.RandomMatrix(3, pool.InputShape.Size, random);
        int s = stride ?? size;

        Matrix y = pool.Forward(x);

        ImageShape o = pool.OutputShape;
        Assert.Equal((height - size) / s + 1, o.Height);
        Assert.Equal((width - size) / s + 1, o.Width);
        for (int n = 0; n < 3; n++)
            for (int c = 0; c < 2; c++)
                for (int oy = 0; oy < o.Height; oy++)
                    for (int ox = 0; ox < o.Width; ox++)
                    {
                        float max = float.NegativeInfinity;
                        for (int ky = 0; ky < size; ky++)
                            for (int kx = 0; kx < size; kx++)
                                max = Math.Max(max, x[n, (c * height + oy * s + ky) * width + ox * s + kx]);
                        Assert.Equal(max, y[n, (c * o.Height + oy) * o.Width + ox]);
                    }
    }

    [Theory]
    [InlineData(2, null, 1)]
    [InlineData(2, null, 3)]
    [InlineData(3, 2, 2)]
    [InlineData(2, 1, 2)]
    public void Backward_matches_finite_differences(int size, int? stride, int batch)
    {
        var random = new Random(size * 10 + batch);
        var pool = new MaxPool2D(new ImageShape(2, 6, 5), size, stride);
        Matrix x = DistinctValues(batch, pool.InputShape.Size, random);

        double error = GradientCheck.MaxRelativeError(pool, x);

        Assert.True(error < GradientCheck.Tolerance, $"{pool.Name}: max relative error {error:E2}");
    }

    [Fact]
    public void Gradient_goes_only_to_the_winner()
    {
        var pool = new MaxPool2D(new ImageShape(1, 2, 2), 2);
        var x = Matrix.RowVector(1f, 4f, 3f, 2f);
        pool.Forward(x, training: true);

        Matrix dx = pool.Backward(Matrix.RowVector(5f));

        Assert.Equal(new[] { 0f, 5f, 0f, 0f }, dx.Span.ToArray());
    }
}

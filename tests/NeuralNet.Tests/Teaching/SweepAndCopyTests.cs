using NeuralNet.Teaching;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Teaching;

/// <summary>Chapter 7's size sweep, cache-set arithmetic and allocation experiment. No test asserts a speed.</summary>
public class SweepAndCopyTests
{
    [Fact]
    public void SizesAround_puts_three_quarters_and_both_neighbours_around_each_power_of_two()
    {
        Assert.Equal([48, 63, 64, 65, 96, 127, 128, 129, 192, 255, 256, 257], SizeSweep.SizesAround(256));
        Assert.Throws<ArgumentOutOfRangeException>(() => SizeSweep.SizesAround(300));
    }

    [Fact]
    public void Sweep_times_every_kernel_at_every_size_and_compares_them()
    {
        IReadOnlyList<SweepPoint> points = SizeSweep.Measure(
            [("naive", NaiveGemm.Multiply), ("loop order", LoopOrderGemm.Multiply)], [15, 16, 17], runs: 2);

        Assert.Equal(6, points.Count);
        Assert.All(points, p => Assert.Equal(2, p.Gflops.Values.Count));
        double expected = SizeSweep.MedianAt(points, "naive", 16)
            / ((SizeSweep.MedianAt(points, "naive", 15) + SizeSweep.MedianAt(points, "naive", 17)) / 2);
        Assert.Equal(expected, SizeSweep.AgainstNeighbours(points, "naive", 16), 12);
        Assert.Equal(3, SizeSweep.Ratios(points, "loop order", "naive").Values.Count);
    }

    [Fact]
    public void Sweep_rejects_a_wrong_kernel()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() =>
            SizeSweep.Measure([("zeros", (a, b, c) => c.Clear())], [8], runs: 1));

        Assert.Contains("zeros", error.Message);
    }

    [Theory]
    [InlineData(2048, 2)]    // n = 512: 32 lines apart, every other set of 64
    [InlineData(2044, 64)]   // n = 511: not a whole number of lines, all sets
    [InlineData(256, 16)]    // 4 lines apart
    [InlineData(64 * 64, 1)] // the whole cache apart: one set
    public void SetsVisited_follows_the_stride_in_lines(long strideBytes, long sets)
    {
        var l1 = new CacheInfo(1, "Data", 32 * 1024, 8, 64);   // 64 sets

        Assert.Equal(sets, l1.SetsVisited(strideBytes));
    }

    [Fact]
    public void BatchCopy_counts_the_bytes_of_a_new_matrix_and_none_for_a_reused_one()
    {
        Matrix batch = Matrices.Random(16, 8, seed: 1);
        var reused = new Matrix(16, 8);

        CopyCost allocating = BatchCopy.Measure(batch, () => new Matrix(16, 8), copies: 10, runs: 2);
        CopyCost reusing = BatchCopy.Measure(batch, () => reused, copies: 10, runs: 2);

        Assert.True(allocating.BytesPerBatch >= 16 * 8 * sizeof(float), $"{allocating.BytesPerBatch} bytes");
        Assert.Equal(0, reusing.BytesPerBatch);
        Assert.Equal(batch.Data, reused.Data);
        Assert.Equal(2, reusing.SecondsPerBatch.Values.Count);
    }
}

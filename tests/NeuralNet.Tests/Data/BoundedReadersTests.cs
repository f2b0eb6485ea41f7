using System.Text;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Data;

/// <summary>The smaller bounds: stale temporaries, image-shape limits, the PGM reader's header checks.</summary>
public class BoundedReadersTests
{
    [Fact]
    public void A_write_removes_the_temporaries_a_killed_writer_left_and_keeps_the_rest()
    {
        using var folder = new TestData.TempFolder();
        string target = folder.File("model.nnm");
        string dead = $"{target}.{int.MaxValue}.{Guid.NewGuid():N}.tmp";          // no process has that id
        string alive = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"; // perhaps being written right now
        string other = folder.File("other.nnm.123.0123456789abcdef0123456789abcdef.tmp");
        string notOurs = $"{target}.notes.tmp";
        foreach (string path in new[] { dead, alive, other, notOurs }) File.WriteAllText(path, "x");

        AtomicFile.WriteAllBytes(target, [1, 2, 3]);

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(alive));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(notOurs));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
    }

    [Theory]
    [InlineData(ImageShape.MaxDimension + 1, 1, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(65536, 65536, 1)]   // each side allowed, but 2^32 values per image is not
    public void Image_shapes_outside_the_limits_are_refused(int channels, int height, int width)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ImageShape(channels, height, width));
    }

    [Fact]
    public void A_kernel_or_padding_that_would_overflow_is_refused()
    {
        var shape = new ImageShape(1, 28, 28);
        Assert.ThrowsAny<ArgumentException>(() => new ConvGeometry(shape, 3, 1, padding: int.MaxValue / 2));
        Assert.ThrowsAny<ArgumentException>(() => new ConvGeometry(new ImageShape(1000, 1, 1), kernel: 60000, padding: 30000));  // C·K·K = 3.6e12
    }

    [Fact]
    public void Parameters_inside_an_allocation_limit_fail_before_allocating()
    {
        var budget = new ParameterBudget(10, "layer 3 (Test)");
        var small = new Parameter("a", 2, 4, budget: budget);
        long before = GC.GetAllocatedBytesForCurrentThread();
        FormatException e = Assert.Throws<FormatException>(() => new Parameter("b", 1000, 1_000_000, budget: budget));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("layer 3 (Test)", e.Message);
        Assert.Contains("b of 1000x1000000", e.Message);
        Assert.Contains("holds only 2 more", e.Message);
        Assert.Equal(8, small.Value.Length);
        Assert.Equal(4_000, new Parameter("c", 40, 100).Value.Length);   // a parameter without the budget is not limited
    }

    [Theory]
    [InlineData("P5\n100000 100000\n255\n", "more than the 40,000,000")]
    [InlineData("P5\n6000 6000\n255\n", "truncated")]
    [InlineData("P2\n6000 6000\n255\n1 2 3", "truncated")]
    public void Pgm_headers_that_promise_more_than_the_file_holds_are_refused_before_allocating(string file, string expected)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();

        DataFileException e = Assert.Throws<DataFileException>(() => PgmImage.Read(Encoding.ASCII.GetBytes(file), "crafted.pgm"));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains(expected, e.Message);
    }
}

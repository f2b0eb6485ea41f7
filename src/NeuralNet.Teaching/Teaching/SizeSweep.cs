using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>One kernel at one matrix size: its GFLOP/s over several runs.</summary>
public sealed record SweepPoint(string Kernel, int Size, Spread Gflops);

/// <summary>
/// Times several kernels on square matrices of several sizes: how speed depends on size is how the caches
/// show themselves. Each point is <c>runs</c> runs (after a warm-up run) on the thread's CPU time.
/// </summary>
public static class SizeSweep
{
    /// <summary>Every kernel at every size, in that order (sizes outer), each checked against the library's product.</summary>
    /// <exception cref="InvalidOperationException">A kernel's result differs from the library's product.</exception>
    public static IReadOnlyList<SweepPoint> Measure(IReadOnlyList<(string Name, Action<Matrix, Matrix, Matrix> Multiply)> kernels,
        IReadOnlyList<int> sizes, int runs = 3, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        ArgumentNullException.ThrowIfNull(sizes);
        var points = new List<SweepPoint>();
        foreach (int size in sizes)
        {
            Matrix a = Matrices.Random(size, size, seed), b = Matrices.Random(size, size, seed + 1), expected = new(size, size), c = new(size, size);
            Gemm.Multiply(a, b, expected);
            foreach (var (name, multiply) in kernels)
            {
                Spread seconds = KernelTimer.Seconds(() => multiply(a, b, c), runs);
                Matrices.RequireClose(name, c, expected, size);
                points.Add(new SweepPoint(name, size, seconds.Select(s => KernelTimer.Gflops(size, size, size, s))));
            }
        }
        return points;
    }

    /// <summary>Sizes around each power of two from <paramref name="largest"/>/4 to <paramref name="largest"/> (n - 1, n, n + 1),
    /// with 3n/4 before each: e.g. 512 gives 96, 127, 128, 129, 192, 255, 256, 257, 384, 511, 512, 513.</summary>
    public static int[] SizesAround(int largest)
    {
        if (largest < 16 || (largest & (largest - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(largest), largest, "Expected a power of two of at least 16.");
        var sizes = new List<int>();
        for (int n = largest / 4; n <= largest; n *= 2) sizes.AddRange([3 * n / 4, n - 1, n, n + 1]);
        return sizes.ToArray();
    }

    /// <summary>The median GFLOP/s of <paramref name="kernel"/> at <paramref name="size"/>.</summary>
    public static double MedianAt(IReadOnlyList<SweepPoint> points, string kernel, int size) =>
        points.Single(p => p.Kernel == kernel && p.Size == size).Gflops.Median;

    /// <summary><paramref name="kernel"/>'s median speed at a size, over the mean of its medians at size - 1 and size + 1:
    /// below 1 when that size is slower than its neighbours.</summary>
    public static double AgainstNeighbours(IReadOnlyList<SweepPoint> points, string kernel, int size) =>
        MedianAt(points, kernel, size) / ((MedianAt(points, kernel, size - 1) + MedianAt(points, kernel, size + 1)) / 2);

    /// <summary>At every size, <paramref name="kernel"/>'s median over <paramref name="baseline"/>'s.</summary>
    public static Spread Ratios(IReadOnlyList<SweepPoint> points, string kernel, string baseline) =>
        new(points.Where(p => p.Kernel == kernel).Select(p => p.Gflops.Median / MedianAt(points, baseline, p.Size)).ToArray());
}

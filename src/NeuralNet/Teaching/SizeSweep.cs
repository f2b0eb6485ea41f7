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
            Matrix a = Random(size, seed), b = Random(size, seed + 1), expected = new(size, size), c = new(size, size);
            Gemm.Multiply(a, b, expected);
            foreach (var (name, multiply) in kernels)
            {
                Spread seconds = KernelTimer.Seconds(() => multiply(a, b, c), runs);
                RequireClose(name, size, c, expected);
                points.Add(new SweepPoint(name, size, seconds.Select(s => KernelTimer.Gflops(size, size, size, s))));
            }
        }
        return points;
    }

    /// <summary>Throws if <paramref name="actual"/> is not <paramref name="expected"/> to float precision (relative to the size of the sums).</summary>
    public static void RequireClose(string kernel, int size, Matrix actual, Matrix expected)
    {
        double worst = 0;
        for (int i = 0; i < actual.Length; i++) worst = Math.Max(worst, Math.Abs(actual.Data[i] - expected.Data[i]));
        if (worst > 1e-5 * size)
            throw new InvalidOperationException($"{kernel} at size {size}: wrong result (largest difference {worst:G3}).");
    }

    /// <summary>A size x size matrix of values uniform in [-1, 1).</summary>
    public static Matrix Random(int size, int seed)
    {
        var random = new Random(seed);
        var matrix = new Matrix(size, size);
        for (int i = 0; i < matrix.Length; i++) matrix.Data[i] = (float)(random.NextDouble() * 2 - 1);
        return matrix;
    }
}

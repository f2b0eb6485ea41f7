using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 5 of chapter 7: <see cref="SimdGemm"/> on several cores. Rows of C are independent sums, so each
/// thread takes a contiguous band of rows; no two threads ever write the same float, so no locks.
/// </summary>
public static class ThreadedGemm
{
    /// <summary>C = A·B with 512-bit vectors on <paramref name="threads"/> threads.</summary>
    public static void Multiply(Matrix a, Matrix b, Matrix c, int threads = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        TeachingShapes.Require(a, b, c);
        int m = a.Rows;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        // Band t is rows [m·t/threads, m·(t+1)/threads): equal shares, the last one taking any remainder.
        Parallel.For(0, threads, options, t =>
            SimdGemm.Multiply(a, b, c, m * t / threads, m * (t + 1) / threads, wide: true));
    }
}

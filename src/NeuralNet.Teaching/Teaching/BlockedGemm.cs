using System.Runtime.CompilerServices;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 3 of chapter 7: the i-p-j loops of <see cref="LoopOrderGemm"/>, run tile by tile. A tile of B
/// (<see cref="TileRows"/> x <see cref="TileCols"/> floats, 64 KB) is used by every row of A before
/// moving on, so it is read from memory once and then from the cache, however large the matrices are.
/// </summary>
public static class BlockedGemm
{
    /// <summary>Rows of B (the p range) in one tile.</summary>
    public const int TileRows = 128;

    /// <summary>Columns of B and C (the j range) in one tile.</summary>
    public const int TileCols = 128;

    /// <summary>C = A·B. A is m x k, B is k x n, C is m x n (all row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    public static void Multiply(Matrix a, Matrix b, Matrix c)
    {
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        float[] A = a.Data, B = b.Data, C = c.Data;
        Array.Clear(C, 0, m * n);
        for (int p0 = 0; p0 < k; p0 += TileRows)
        {
            int p1 = Math.Min(p0 + TileRows, k);
            for (int j0 = 0; j0 < n; j0 += TileCols)
            {
                int j1 = Math.Min(j0 + TileCols, n);
                // The tile B[p0..p1, j0..j1] stays in cache while all m rows of A pass over it.
                for (int i = 0; i < m; i++)
                {
                    for (int p = p0; p < p1; p++)
                    {
                        float aip = A[i * k + p];
                        for (int j = j0; j < j1; j++)
                        {
                            C[i * n + j] += aip * B[p * n + j];
                        }
                    }
                }
            }
        }
    }
}

using System.Runtime.CompilerServices;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 2 of chapter 7: the same sums as <see cref="NaiveGemm"/> with the two inner loops swapped (i, p, j).
/// Each A[i,p] is read once and multiplied into a whole row of B, added into a whole row of C: both rows are
/// read left to right, one cache line after the next, and the additions of one pass are independent.
/// </summary>
public static class LoopOrderGemm
{
    /// <summary>C = A·B. A is m x k, B is k x n, C is m x n (all row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    public static void Multiply(Matrix a, Matrix b, Matrix c)
    {
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        float[] A = a.Data, B = b.Data, C = c.Data;
        Array.Clear(C, 0, m * n);
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                float aip = A[i * k + p];
                // Row i of C += A[i,p] · row p of B: two contiguous rows, no chain between the j's.
                for (int j = 0; j < n; j++)
                {
                    C[i * n + j] += aip * B[p * n + j];
                }
            }
        }
    }
}

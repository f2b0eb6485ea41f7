using System.Runtime.CompilerServices;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 1 of chapter 7: the matrix product straight from its definition, C[i,j] = Σₚ A[i,p]·B[p,j],
/// with the loops in the order the formula reads (i, j, p). Correct, and the slowest of the steps.
/// </summary>
public static class NaiveGemm
{
    /// <summary>C = A·B. A is m x k, B is k x n, C is m x n (all row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    public static void Multiply(Matrix a, Matrix b, Matrix c)
    {
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        float[] A = a.Data, B = b.Data, C = c.Data;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                // One dot product: row i of A with column j of B. Walking down a column of a row-major B
                // jumps n floats per step, so nearly every B[p,j] comes from a different cache line.
                // And each addition must wait for the previous one (one long dependency chain).
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += A[i * k + p] * B[p * n + j];
                }
                C[i * n + j] = sum;
            }
        }
    }
}

namespace NeuralNet.Tensors;

/// <summary>
/// The textbook matrix product, C[i,j] = Σₚ A[i,p]·B[p,j], one element at a time in double precision.
/// Slow on purpose: it is what a reader checks the fast kernel against, and what the tests use as truth.
/// </summary>
public static class ReferenceGemm
{
    /// <summary>C (m x n) = op(A)·op(B) (+ C if accumulating), op = transpose when the flag says so.</summary>
    public static void Run(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c[i * n + j] : 0.0;
                for (int p = 0; p < k; p++)
                {
                    float aValue = transposeA ? a[p * m + i] : a[i * k + p];
                    float bValue = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += (double)aValue * bValue;
                }
                c[i * n + j] = (float)sum;
            }
        }
    }
}

using System.Numerics;
using System.Runtime.InteropServices;

namespace NeuralNet.Tensors;

/// <summary>
/// The fast matrix-product kernel behind <see cref="Gemm"/>. Row-major C (m x n) = op(A)·op(B).
/// </summary>
internal static class GemmKernel
{
    public static void Run(bool transposeA, bool transposeB, int m, int n, int k,
        float[] a, float[] b, float[] c, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        Span<float> cSpan = c.AsSpan(0, m * n);
        if (!accumulate) cSpan.Clear();
        if (k == 0) return;

        if (transposeB)
        {
            // C[i,j] = dot(A row i, B row j): both rows are contiguous.
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    ReadOnlySpan<float> bRow = b.AsSpan(j * k, k);
                    float sum = transposeA ? DotStrided(a, i, m, bRow) : Dot(a.AsSpan(i * k, k), bRow);
                    cSpan[i * n + j] += sum;
                }
            }
            return;
        }

        // C row i += A[i,p] * B row p: an axpy over contiguous rows of B and C.
        for (int i = 0; i < m; i++)
        {
            Span<float> cRow = cSpan.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                float aValue = transposeA ? a[p * m + i] : a[i * k + p];
                if (aValue == 0f) continue; // ReLU outputs are often zero: skip the whole row update.
                Axpy(aValue, b.AsSpan(p * n, n), cRow);
            }
        }
    }

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var sums = Vector<float>.Zero;
        int i = 0;
        var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        for (int v = 0; v < xv.Length; v++) sums += xv[v] * yv[v];
        i = xv.Length * Vector<float>.Count;
        float sum = Vector.Dot(sums, Vector<float>.One);
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    private static float DotStrided(float[] a, int column, int stride, ReadOnlySpan<float> y)
    {
        float sum = 0f;
        for (int p = 0; p < y.Length; p++) sum += a[p * stride + column] * y[p];
        return sum;
    }

    private static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        var alphaV = new Vector<float>(alpha);
        for (int v = 0; v < xv.Length; v++) yv[v] += alphaV * xv[v];
        for (int i = xv.Length * Vector<float>.Count; i < x.Length; i++) y[i] += alpha * x[i];
    }
}

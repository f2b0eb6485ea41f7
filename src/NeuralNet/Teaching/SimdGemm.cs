using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 4 of chapter 7: <see cref="BlockedGemm"/> with its inner loop on whole vectors. One instruction
/// multiplies A[i,p] into 8 (Vector256) or 16 (Vector512) floats of a row of B and adds them into C.
/// </summary>
public static class SimdGemm
{
    /// <summary>C = A·B with 256-bit vectors (8 floats per instruction).</summary>
    public static void Multiply256(Matrix a, Matrix b, Matrix c) => Multiply(a, b, c, 0, a.Rows, wide: false);

    /// <summary>C = A·B with 512-bit vectors (16 floats per instruction).</summary>
    public static void Multiply512(Matrix a, Matrix b, Matrix c) => Multiply(a, b, c, 0, a.Rows, wide: true);

    /// <summary>Rows <paramref name="rowStart"/> to <paramref name="rowEnd"/> of C = A·B (so that threads can share the work).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    internal static void Multiply(Matrix a, Matrix b, Matrix c, int rowStart, int rowEnd, bool wide)
    {
        TeachingShapes.Require(a, b, c);
        int k = a.Cols, n = b.Cols;
        c.Data.AsSpan(rowStart * n, (rowEnd - rowStart) * n).Clear();
        for (int p0 = 0; p0 < k; p0 += BlockedGemm.TileRows)
        {
            int p1 = Math.Min(p0 + BlockedGemm.TileRows, k);
            for (int j0 = 0; j0 < n; j0 += BlockedGemm.TileCols)
            {
                int count = Math.Min(j0 + BlockedGemm.TileCols, n) - j0;
                for (int i = rowStart; i < rowEnd; i++)
                {
                    for (int p = p0; p < p1; p++)
                    {
                        Span<float> cRow = c.Data.AsSpan(i * n + j0, count);
                        ReadOnlySpan<float> bRow = b.Data.AsSpan(p * n + j0, count);
                        if (wide) AddScaled512(cRow, a.Data[i * k + p], bRow);
                        else AddScaled256(cRow, a.Data[i * k + p], bRow);
                    }
                }
            }
        }
    }

    // c += s·b, 8 floats at a time, then the leftover floats one by one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    private static void AddScaled256(Span<float> c, float s, ReadOnlySpan<float> b)
    {
        ref float c0 = ref MemoryMarshal.GetReference(c);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        var scale = Vector256.Create(s);   // s copied into all 8 lanes
        int j = 0;
        for (; j <= c.Length - 8; j += 8)
        {
            Vector256<float> sum = Fused.MultiplyAdd(scale, Vector256.LoadUnsafe(ref b0, (nuint)j), Vector256.LoadUnsafe(ref c0, (nuint)j));
            sum.StoreUnsafe(ref c0, (nuint)j);
        }
        for (; j < c.Length; j++) Unsafe.Add(ref c0, j) += s * Unsafe.Add(ref b0, j);
    }

    // c += s·b, 16 floats at a time, then the leftover floats one by one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    private static void AddScaled512(Span<float> c, float s, ReadOnlySpan<float> b)
    {
        ref float c0 = ref MemoryMarshal.GetReference(c);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        var scale = Vector512.Create(s);   // s copied into all 16 lanes
        int j = 0;
        for (; j <= c.Length - 16; j += 16)
        {
            Vector512<float> sum = Fused.MultiplyAdd(scale, Vector512.LoadUnsafe(ref b0, (nuint)j), Vector512.LoadUnsafe(ref c0, (nuint)j));
            sum.StoreUnsafe(ref c0, (nuint)j);
        }
        for (; j < c.Length; j++) Unsafe.Add(ref c0, j) += s * Unsafe.Add(ref b0, j);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 3 of chapter 7: the i-p-j loops of <see cref="LoopOrderGemm"/> with the inner loop on whole vectors.
/// One instruction multiplies A[i,p] into 8 (Vector256) or 16 (Vector512) floats of row p of B and adds them
/// into row i of C. Nothing else changes: no blocks, no helper call per row.
/// </summary>
public static class SimdGemm
{
    /// <summary>C = A·B with 256-bit vectors (8 floats per instruction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    public static void Multiply256(Matrix a, Matrix b, Matrix c)
    {
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        float[] A = a.Data, C = c.Data;
        Array.Clear(C, 0, m * n);
        // `ref` variables point at the first float of B and of C: LoadUnsafe(ref b0, offset) reads the 8 floats
        // starting `offset` floats further on, without the bounds check an array index costs.
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(b.Data);
        ref float c0 = ref MemoryMarshal.GetArrayDataReference(C);
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                float aip = A[i * k + p];
                var scale = Vector256.Create(aip);   // aip in all 8 lanes
                nuint bRow = (nuint)(p * n), cRow = (nuint)(i * n);
                int j = 0;
                for (; j <= n - 8; j += 8)   // C[i, j..j+8] += aip · B[p, j..j+8]: load, load, FMA, store
                    Fused.MultiplyAdd(scale, Vector256.LoadUnsafe(ref b0, bRow + (nuint)j), Vector256.LoadUnsafe(ref c0, cRow + (nuint)j))
                        .StoreUnsafe(ref c0, cRow + (nuint)j);
                for (; j < n; j++) C[i * n + j] += aip * b.Data[p * n + j];   // the last n % 8 floats
            }
        }
    }

    /// <summary>C = A·B with 512-bit vectors (16 floats per instruction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    public static void Multiply512(Matrix a, Matrix b, Matrix c)
    {
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        float[] A = a.Data, C = c.Data;
        Array.Clear(C, 0, m * n);
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(b.Data);
        ref float c0 = ref MemoryMarshal.GetArrayDataReference(C);
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                float aip = A[i * k + p];
                var scale = Vector512.Create(aip);   // aip in all 16 lanes
                nuint bRow = (nuint)(p * n), cRow = (nuint)(i * n);
                int j = 0;
                for (; j <= n - 16; j += 16)
                    Fused.MultiplyAdd(scale, Vector512.LoadUnsafe(ref b0, bRow + (nuint)j), Vector512.LoadUnsafe(ref c0, cRow + (nuint)j))
                        .StoreUnsafe(ref c0, cRow + (nuint)j);
                for (; j < n; j++) C[i * n + j] += aip * b.Data[p * n + j];   // the last n % 16 floats
            }
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Teaching;

/// <summary>
/// The register tile of <see cref="RegisterTileGemm"/> and <see cref="PackedGemm"/>: a 6 x 32 tile of
/// C = Σₚ (column p of 6 rows of A) times (row p of 32 columns of B), kept in 12 vector registers for the
/// whole sum. Where A and B sit in memory is given by strides, so the same kernel reads the matrices
/// themselves or their packed copies.
/// </summary>
internal static class TileKernel
{
    public const int Rows = 6, Cols = 32;

    /// <param name="depth">How many p to sum over.</param>
    /// <param name="a">A[i, p0]: the first of the 6 x depth values of A.</param>
    /// <param name="aRowStride">Floats from A[i, p] to A[i + 1, p].</param>
    /// <param name="aDepthStride">Floats from A[i, p] to A[i, p + 1].</param>
    /// <param name="b">B[p0, j]: the first of the depth x 32 values of B.</param>
    /// <param name="bDepthStride">Floats from B[p, j] to B[p + 1, j] (the 32 of one row are contiguous).</param>
    /// <param name="tile">Receives the 6 x 32 sums, row-major.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    public static void Run(int depth, ref float a, nint aRowStride, nint aDepthStride, ref float b, nint bDepthStride, Span<float> tile)
    {
        nint r1 = aRowStride, r2 = 2 * aRowStride, r3 = 3 * aRowStride, r4 = 4 * aRowStride, r5 = 5 * aRowStride;
        // 12 accumulators: row r of the tile is (cR0, cR1), 16 floats each. 12 independent chains keep the
        // FMA units busy although each FMA takes several cycles to finish.
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < depth; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);              // B[p, j..j+16]
            var b1 = Vector512.LoadUnsafe(ref b, 16);          // B[p, j+16..j+32]
            var a0 = Vector512.Create(a); c00 = Fused.MultiplyAdd(a0, b0, c00); c01 = Fused.MultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(Unsafe.Add(ref a, r1)); c10 = Fused.MultiplyAdd(a1, b0, c10); c11 = Fused.MultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(Unsafe.Add(ref a, r2)); c20 = Fused.MultiplyAdd(a2, b0, c20); c21 = Fused.MultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(Unsafe.Add(ref a, r3)); c30 = Fused.MultiplyAdd(a3, b0, c30); c31 = Fused.MultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(Unsafe.Add(ref a, r4)); c40 = Fused.MultiplyAdd(a4, b0, c40); c41 = Fused.MultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(Unsafe.Add(ref a, r5)); c50 = Fused.MultiplyAdd(a5, b0, c50); c51 = Fused.MultiplyAdd(a5, b1, c51);
            a = ref Unsafe.Add(ref a, aDepthStride);   // on to A[i, p + 1] ...
            b = ref Unsafe.Add(ref b, bDepthStride);   // ... and B[p + 1, j]
        }
        ref float t = ref MemoryMarshal.GetReference(tile);
        c00.StoreUnsafe(ref t, 0); c01.StoreUnsafe(ref t, 16);
        c10.StoreUnsafe(ref t, 32); c11.StoreUnsafe(ref t, 48);
        c20.StoreUnsafe(ref t, 64); c21.StoreUnsafe(ref t, 80);
        c30.StoreUnsafe(ref t, 96); c31.StoreUnsafe(ref t, 112);
        c40.StoreUnsafe(ref t, 128); c41.StoreUnsafe(ref t, 144);
        c50.StoreUnsafe(ref t, 160); c51.StoreUnsafe(ref t, 176);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Teaching;

/// <summary>
/// The inner kernel of <see cref="PackedGemm"/>: a 6 x 32 tile of C = Σₚ (column p of a 6-row panel of A)
/// times (row p of a 32-column panel of B), kept in 12 vector registers for the whole sum.
/// </summary>
internal static class TileKernel
{
    /// <param name="depth">How many p to sum over.</param>
    /// <param name="a">The packed A panel: for each p, the 6 values A[i..i+6, p].</param>
    /// <param name="b">The packed B panel: for each p, the 32 values B[p, j..j+32].</param>
    /// <param name="tile">Receives the 6 x 32 sums, row-major.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    public static void Run(int depth, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> tile)
    {
        ref float ap = ref MemoryMarshal.GetReference(a);
        ref float bp = ref MemoryMarshal.GetReference(b);
        // 12 accumulators: row r of the tile is (cR0, cR1), 16 floats each. 12 independent chains keep both
        // FMA units busy despite each FMA taking several cycles to finish.
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < depth; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref bp, (nuint)(p * 32));        // B[p, j..j+16]
            var b1 = Vector512.LoadUnsafe(ref bp, (nuint)(p * 32 + 16));   // B[p, j+16..j+32]
            nuint at = (nuint)(p * 6);
            var a0 = Vector512.Create(At(ref ap, at)); c00 = Fused.MultiplyAdd(a0, b0, c00); c01 = Fused.MultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(At(ref ap, at + 1)); c10 = Fused.MultiplyAdd(a1, b0, c10); c11 = Fused.MultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(At(ref ap, at + 2)); c20 = Fused.MultiplyAdd(a2, b0, c20); c21 = Fused.MultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(At(ref ap, at + 3)); c30 = Fused.MultiplyAdd(a3, b0, c30); c31 = Fused.MultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(At(ref ap, at + 4)); c40 = Fused.MultiplyAdd(a4, b0, c40); c41 = Fused.MultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(At(ref ap, at + 5)); c50 = Fused.MultiplyAdd(a5, b0, c50); c51 = Fused.MultiplyAdd(a5, b1, c51);
        }
        ref float t = ref MemoryMarshal.GetReference(tile);
        c00.StoreUnsafe(ref t, 0); c01.StoreUnsafe(ref t, 16);
        c10.StoreUnsafe(ref t, 32); c11.StoreUnsafe(ref t, 48);
        c20.StoreUnsafe(ref t, 64); c21.StoreUnsafe(ref t, 80);
        c30.StoreUnsafe(ref t, 96); c31.StoreUnsafe(ref t, 112);
        c40.StoreUnsafe(ref t, 128); c41.StoreUnsafe(ref t, 144);
        c50.StoreUnsafe(ref t, 160); c51.StoreUnsafe(ref t, 176);
    }

    private static float At(ref float start, nuint offset) => System.Runtime.CompilerServices.Unsafe.Add(ref start, offset);
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralNet.Teaching;

/// <summary>
/// x·y + acc in one fused multiply-add instruction (FMA: one rounding instead of two) where the CPU has it,
/// else a multiply then an add. (.NET 8 has no portable Vector512.FusedMultiplyAdd yet.) Note the order of
/// the arguments: the accumulator comes last, as in the hardware instruction.
/// </summary>
internal static class Fused
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float x, float y, float acc) =>
        Fma.IsSupported ? MathF.FusedMultiplyAdd(x, y, acc) : acc + x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> x, Vector256<float> y, Vector256<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc) : acc + x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> x, Vector512<float> y, Vector512<float> acc) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(x, y, acc) : acc + x * y;
}

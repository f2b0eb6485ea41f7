using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Teaching;

/// <summary>
/// The most floating-point work one core can do: nothing but fused multiply-adds on 12 independent vector
/// registers, no memory traffic. Each FMA finishes a few cycles after it starts, so one chain alone would
/// leave the units idle; 12 chains keep two FMA units busy every cycle. No real kernel beats this number.
/// </summary>
public static class FmaThroughput
{
    /// <summary>Floats per vector of the measurement: 16 where 512-bit vectors are accelerated (AVX-512), else 8.</summary>
    public static int VectorFloats { get; } = Vector512.IsHardwareAccelerated ? 16 : 8;

    /// <summary>Single-precision GFLOP/s of one core (an FMA counts as 2 flops per lane): the fastest of <paramref name="repetitions"/> runs.</summary>
    public static double MeasureGflops(long iterations = 20_000_000, int repetitions = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        float sink = 0;
        double seconds = VectorFloats == 16
            ? KernelTimer.FastestSeconds(() => sink += Chains512(iterations), repetitions)
            : KernelTimer.FastestSeconds(() => sink += Chains256(iterations), repetitions);
        GC.KeepAlive(sink);
        return 12.0 * VectorFloats * 2 * iterations / seconds / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
        // x·1 + 1e-7 keeps the values finite and the compiler from proving anything about them.
        var x = Vector512.Create(1f); var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fused.MultiplyAdd(a0, x, y); a1 = Fused.MultiplyAdd(a1, x, y); a2 = Fused.MultiplyAdd(a2, x, y); a3 = Fused.MultiplyAdd(a3, x, y);
            a4 = Fused.MultiplyAdd(a4, x, y); a5 = Fused.MultiplyAdd(a5, x, y); a6 = Fused.MultiplyAdd(a6, x, y); a7 = Fused.MultiplyAdd(a7, x, y);
            a8 = Fused.MultiplyAdd(a8, x, y); a9 = Fused.MultiplyAdd(a9, x, y); a10 = Fused.MultiplyAdd(a10, x, y); a11 = Fused.MultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(long iterations)
    {
        var x = Vector256.Create(1f); var y = Vector256.Create(1e-7f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fused.MultiplyAdd(a0, x, y); a1 = Fused.MultiplyAdd(a1, x, y); a2 = Fused.MultiplyAdd(a2, x, y); a3 = Fused.MultiplyAdd(a3, x, y);
            a4 = Fused.MultiplyAdd(a4, x, y); a5 = Fused.MultiplyAdd(a5, x, y); a6 = Fused.MultiplyAdd(a6, x, y); a7 = Fused.MultiplyAdd(a7, x, y);
            a8 = Fused.MultiplyAdd(a8, x, y); a9 = Fused.MultiplyAdd(a9, x, y); a10 = Fused.MultiplyAdd(a10, x, y); a11 = Fused.MultiplyAdd(a11, x, y);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Teaching;

/// <summary>
/// The most floating-point work one core can do at each width: nothing but fused multiply-adds on 12
/// independent registers, no memory traffic. Each FMA finishes a few cycles after it starts, so one chain
/// alone would leave the units idle; 12 chains keep every FMA unit of today's cores busy. No real kernel of
/// that width beats this number, so the chapter uses it as the ceiling instead of a formula.
/// </summary>
public static class FmaThroughput
{
    /// <summary>Single-precision GFLOP/s of one core (an FMA counts as 2 flops per lane) with <paramref name="floatsPerVector"/>
    /// floats per instruction: 1 (scalar), 8 (Vector256) or 16 (Vector512). The fastest of <paramref name="repetitions"/> runs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A width other than 1, 8 or 16.</exception>
    /// <exception cref="PlatformNotSupportedException">16 on a CPU without accelerated 512-bit vectors.</exception>
    public static double MeasureGflops(int floatsPerVector, long iterations = 20_000_000, int repetitions = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        if (floatsPerVector == 16 && !Vector512.IsHardwareAccelerated)
            throw new PlatformNotSupportedException("This CPU has no accelerated 512-bit vectors (Vector512.IsHardwareAccelerated is false).");
        Func<long, float> chains = floatsPerVector switch
        {
            1 => ChainsScalar,
            8 => Chains256,
            16 => Chains512,
            _ => throw new ArgumentOutOfRangeException(nameof(floatsPerVector), floatsPerVector, "Expected 1, 8 or 16 floats per instruction."),
        };
        float sink = 0;
        double seconds = KernelTimer.FastestSeconds(() => sink += chains(iterations), repetitions);
        GC.KeepAlive(sink);
        return 12.0 * floatsPerVector * 2 * iterations / seconds / 1e9;
    }

    // x·1 + 1e-7 keeps the values finite and the compiler from proving anything about them.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(long iterations)
    {
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

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float ChainsScalar(long iterations)
    {
        float x = 1f, y = 1e-7f;
        float a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fused.MultiplyAdd(a0, x, y); a1 = Fused.MultiplyAdd(a1, x, y); a2 = Fused.MultiplyAdd(a2, x, y); a3 = Fused.MultiplyAdd(a3, x, y);
            a4 = Fused.MultiplyAdd(a4, x, y); a5 = Fused.MultiplyAdd(a5, x, y); a6 = Fused.MultiplyAdd(a6, x, y); a7 = Fused.MultiplyAdd(a7, x, y);
            a8 = Fused.MultiplyAdd(a8, x, y); a9 = Fused.MultiplyAdd(a9, x, y); a10 = Fused.MultiplyAdd(a10, x, y); a11 = Fused.MultiplyAdd(a11, x, y);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}

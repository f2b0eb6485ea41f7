using System.Runtime.CompilerServices;

namespace NeuralNet.Teaching;

/// <summary>
/// Measures the clock a core runs at now: a chain of integer additions, each needing the previous one's
/// result, runs at exactly one addition per cycle on every x86 and ARM core of the last twenty years, so
/// additions per second is cycles per second.
/// </summary>
public static class ClockSpeed
{
    /// <summary>The clock in GHz: the fastest of <paramref name="repetitions"/> runs of 8 x <paramref name="iterations"/> dependent additions.</summary>
    public static double MeasureGHz(long iterations = 50_000_000, int repetitions = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        long sink = 0;
        double seconds = KernelTimer.FastestSeconds(() => sink += AddChain(iterations, step: iterations | 1), repetitions);
        GC.KeepAlive(sink);
        return 8.0 * iterations / seconds / 1e9;
    }

    // 8 additions per iteration, each waiting for the one before: 8 cycles per iteration. The loop counter
    // runs on other ALUs in parallel. `step` comes from outside, so the compiler cannot fold the chain.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long AddChain(long iterations, long step)
    {
        long x = 0;
        for (long i = 0; i < iterations; i++)
        {
            x += step; x += step; x += step; x += step;
            x += step; x += step; x += step; x += step;
        }
        return x;
    }
}

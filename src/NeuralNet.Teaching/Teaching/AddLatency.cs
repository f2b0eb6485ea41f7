using System.Runtime.CompilerServices;

namespace NeuralNet.Teaching;

/// <summary>
/// How long one float addition takes from start to result (its latency), in seconds: a chain of additions,
/// each needing the previous one's result, runs at one addition per latency. Multiply by the clock
/// (<see cref="ClockSpeed"/>) for cycles. The naive matrix product's inner loop is such a chain.
/// </summary>
public static class AddLatency
{
    /// <summary>Seconds per dependent float addition: the fastest of <paramref name="repetitions"/> runs.</summary>
    public static double MeasureSeconds(long iterations = 20_000_000, int repetitions = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        float sink = 0;
        double seconds = KernelTimer.FastestSeconds(() => sink += AddChain(iterations, 1e-7f), repetitions);
        GC.KeepAlive(sink);
        return seconds / (8.0 * iterations);
    }

    // 8 float additions per iteration, each waiting for the one before; the loop counter runs alongside.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float AddChain(long iterations, float step)
    {
        float x = 0;
        for (long i = 0; i < iterations; i++)
        {
            x += step; x += step; x += step; x += step;
            x += step; x += step; x += step; x += step;
        }
        return x;
    }
}

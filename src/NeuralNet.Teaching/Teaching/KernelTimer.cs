using System.Diagnostics;

namespace NeuralNet.Teaching;

/// <summary>How long a piece of code takes: one warm-up run, then several timed runs.</summary>
/// <remarks>
/// The kernels it times are marked <c>[MethodImpl(MethodImplOptions.AggressiveOptimization)]</c>: .NET otherwise
/// runs a method's first calls as quickly compiled, unoptimised code and swaps in the optimised version later,
/// in the background, which on a busy machine can be after the measurement.
/// </remarks>
public static class KernelTimer
{
    /// <summary>
    /// Times <paramref name="runs"/> runs of <paramref name="action"/> (after one warm-up run) and returns every
    /// time, in seconds, as a <see cref="Spread"/>.
    /// </summary>
    /// <param name="threadCpuTime">Time the calling thread's CPU time (<see cref="ThreadClock"/>), which suits
    /// single-threaded code; false times the wall clock, which code on several threads needs.</param>
    public static Spread Seconds(Action action, int runs = 5, bool threadCpuTime = true)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runs);
        action(); // warm-up: first-call costs (JIT compilation, page faults on fresh buffers) are not the kernel's
        var seconds = new double[runs];
        for (int r = 0; r < runs; r++) seconds[r] = Time(action, threadCpuTime);
        return new Spread(seconds);
    }

    /// <summary>
    /// Times two versions of the same work on the wall clock, alternating (first, second, first, second, ...)
    /// so that both see the same load on the machine, and returns both spreads and the spread of the
    /// per-pair speedup (first's time over second's).
    /// </summary>
    public static (Spread First, Spread Second, Spread Speedup) Compare(Action first, Action second, int runs = 9)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runs);
        first();
        second();
        double[] a = new double[runs], b = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            a[r] = Time(first, threadCpuTime: false);
            b[r] = Time(second, threadCpuTime: false);
        }
        return (new Spread(a), new Spread(b), new Spread(a.Zip(b, (x, y) => x / y).ToArray()));
    }

    /// <summary>The fastest of <paramref name="repetitions"/> runs (after a warm-up run), in seconds: for
    /// measuring a ceiling (the clock, the FMA-only loop), which other programs can only ever push down.</summary>
    public static double FastestSeconds(Action action, int repetitions = 5, bool threadCpuTime = true) =>
        Seconds(action, repetitions, threadCpuTime).Min;

    /// <summary>GFLOP/s of an m x k by k x n product (2·m·n·k floating-point operations) that took <paramref name="seconds"/>.</summary>
    public static double Gflops(int m, int n, int k, double seconds) => 2.0 * m * n * k / seconds / 1e9;

    private static double Time(Action action, bool threadCpuTime)
    {
        double start = Now(threadCpuTime);
        action();
        return Now(threadCpuTime) - start;
    }

    private static double Now(bool threadCpuTime) =>
        threadCpuTime ? ThreadClock.Seconds() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}

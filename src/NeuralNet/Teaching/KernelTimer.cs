using System.Diagnostics;

namespace NeuralNet.Teaching;

/// <summary>How long a piece of code takes: one warm-up run, then the fastest of several runs.</summary>
/// <remarks>
/// The fastest run, not the mean: on a shared machine the other programs only ever add time, so the
/// fastest run is the one closest to what the code itself costs. The kernels it times are marked
/// <c>[MethodImpl(MethodImplOptions.AggressiveOptimization)]</c>: .NET otherwise runs a method's first calls
/// as quickly compiled, unoptimised code and swaps in the optimised version later, in the background, which
/// on a busy machine can be after the measurement.
/// </remarks>
public static class KernelTimer
{
    /// <summary>The fastest of <paramref name="repetitions"/> runs of <paramref name="action"/>, in seconds.</summary>
    /// <param name="threadCpuTime">Time the calling thread's CPU time (<see cref="ThreadClock"/>), which suits
    /// single-threaded code; false times the wall clock, which code on several threads needs.</param>
    public static double FastestSeconds(Action action, int repetitions = 5, bool threadCpuTime = true)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repetitions);
        action(); // warm-up: first-call costs (JIT compilation, page faults on fresh buffers) are not the kernel's
        double best = double.PositiveInfinity;
        for (int r = 0; r < repetitions; r++)
        {
            double start = Now(threadCpuTime);
            action();
            best = Math.Min(best, Now(threadCpuTime) - start);
        }
        return best;
    }

    /// <summary>GFLOP/s of an m x k by k x n product (2·m·n·k floating-point operations) that took <paramref name="seconds"/>.</summary>
    public static double Gflops(int m, int n, int k, double seconds) => 2.0 * m * n * k / seconds / 1e9;

    private static double Now(bool threadCpuTime) =>
        threadCpuTime ? ThreadClock.Seconds() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NeuralNet.Teaching;

/// <summary>
/// The CPU time the calling thread has used, in seconds. On a busy machine the wall clock also counts the
/// time other programs held the core; the thread's own CPU time does not, so it disturbs single-threaded
/// measurements much less. Linux only (clock_gettime); elsewhere it falls back to the wall clock.
/// </summary>
public static class ThreadClock
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    private const int ThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>True when <see cref="Seconds"/> is the thread's CPU time rather than the wall clock.</summary>
    public static bool MeasuresCpuTime { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    /// <summary>The calling thread's CPU time in seconds (or the wall clock where that is not available).</summary>
    public static double Seconds() =>
        MeasuresCpuTime && TryRead(out double seconds) ? seconds : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    private static bool TryRead(out double seconds)
    {
        try
        {
            bool ok = ClockGetTime(ThreadCpuTimeId, out TimeSpec t) == 0;
            seconds = t.Seconds + t.Nanoseconds * 1e-9;
            return ok;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            seconds = 0;
            return false;
        }
    }
}

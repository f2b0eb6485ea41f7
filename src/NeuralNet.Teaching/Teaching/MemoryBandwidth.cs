using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralNet.Teaching;

/// <summary>
/// How fast one core can read memory: it sums an array of a given size again and again with wide vector loads
/// and 4 independent sums (so that the additions never wait). An array that fits in L1 is read from L1, one
/// larger than every cache from main memory (DRAM): sizes between show each level of the hierarchy.
/// </summary>
public static class MemoryBandwidth
{
    /// <summary>Read bandwidth in GB/s (10⁹ bytes per second) for an array of <paramref name="bytes"/> bytes, over
    /// <paramref name="runs"/> runs, each reading at least <paramref name="bytesPerRun"/> bytes. Like a ceiling, the
    /// bandwidth is what the memory can deliver: take the fastest run (<see cref="Spread.Max"/>).</summary>
    public static Spread MeasureGBs(long bytes, int runs = 5, long bytesPerRun = 256L << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1024L);
        var data = new float[bytes / sizeof(float) / 128 * 128];
        Array.Fill(data, 1e-7f);   // touch every page, so the runs do not measure the first-touch page faults
        int passes = (int)Math.Max(1, bytesPerRun / bytes);
        float sink = 0;
        Spread seconds = KernelTimer.Seconds(() => { for (int p = 0; p < passes; p++) sink += Sum(data); }, runs);
        GC.KeepAlive(sink);
        double read = (double)data.Length * sizeof(float) * passes;
        return seconds.Select(s => read / s / 1e9);
    }

    // 8 independent sums, so that a load never waits for the previous addition (which takes a few cycles):
    // the loads alone set the pace. 512-bit loads where the CPU has them, else 256-bit.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Sum(float[] data)
    {
        ref float x = ref MemoryMarshal.GetArrayDataReference(data);
        nuint length = (nuint)data.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (nuint i = 0; i < length; i += 128)
            {
                s0 += Vector512.LoadUnsafe(ref x, i); s1 += Vector512.LoadUnsafe(ref x, i + 16);
                s2 += Vector512.LoadUnsafe(ref x, i + 32); s3 += Vector512.LoadUnsafe(ref x, i + 48);
                s4 += Vector512.LoadUnsafe(ref x, i + 64); s5 += Vector512.LoadUnsafe(ref x, i + 80);
                s6 += Vector512.LoadUnsafe(ref x, i + 96); s7 += Vector512.LoadUnsafe(ref x, i + 112);
            }
            return Vector512.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7);
        }
        Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default;
        for (nuint i = 0; i < length; i += 128)
        {
            for (nuint half = 0; half < 128; half += 64)
            {
                t0 += Vector256.LoadUnsafe(ref x, i + half); t1 += Vector256.LoadUnsafe(ref x, i + half + 8);
                t2 += Vector256.LoadUnsafe(ref x, i + half + 16); t3 += Vector256.LoadUnsafe(ref x, i + half + 24);
                t4 += Vector256.LoadUnsafe(ref x, i + half + 32); t5 += Vector256.LoadUnsafe(ref x, i + half + 40);
                t6 += Vector256.LoadUnsafe(ref x, i + half + 48); t7 += Vector256.LoadUnsafe(ref x, i + half + 56);
            }
        }
        return Vector256.Sum(t0 + t1 + t2 + t3 + t4 + t5 + t6 + t7);
    }
}

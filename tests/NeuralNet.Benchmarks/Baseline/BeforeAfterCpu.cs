using System.Globalization;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks.Baseline;

/// <summary>
/// `ab`: the before/after pairs of <see cref="BeforeAfterElementwise"/> and <see cref="BeforeAfterGemm"/>, timed
/// by the calling thread's CPU time and interleaved (before, after, before, after, ...) so that a busy machine
/// disturbs both sides alike. Prints the median time of each side and the median of the per-round ratios.
/// </summary>
internal static class BeforeAfterCpu
{
    public static int Run(string[] args)
    {
        int rounds = Options.Int(args, "--rounds", 41);
        ComputeSettings.ThreadCount = 1;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"thread CPU time, 1 thread, {rounds} interleaved rounds; {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| kernel | size | before µs | after µs | after/before (median of rounds) |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (int length in new[] { 64 * 128, 784 * 128 })
        {
            var e = new BeforeAfterElementwise { Length = length };
            e.Setup();
            Pair("ReLU forward", length, e.ReluForwardBefore, e.ReluForwardAfter, rounds);
            Pair("ReLU backward", length, e.ReluBackwardBefore, e.ReluBackwardAfter, rounds);
            Pair("tanh backward", length, e.TanhBackwardBefore, e.TanhBackwardAfter, rounds);
            Pair("y += s·x", length, e.AddScaledBefore, e.AddScaledAfter, rounds);
            Pair("Σ x²", length, () => e.SumOfSquaresBefore(), () => e.SumOfSquaresAfter(), rounds);
            Pair("Adam", length, e.AdamBefore, e.AdamAfter, rounds);
            Pair("Momentum", length, e.MomentumBefore, e.MomentumAfter, rounds);
        }
        foreach (string shape in new[] { "N:64,128,784", "A:784,128,64", "B:64,784,128", "N:256,128,784", "N:512,512,512" })
        {
            var g = new BeforeAfterGemm { Shape = shape };
            g.Setup();
            Pair("GEMM", shape, g.ProductBefore, g.ProductAfter, rounds);
        }
        Console.WriteLine(File.ReadAllText("/proc/loadavg").Trim());
        return 0;

        void Pair(string name, object size, Action before, Action after, int count)
        {
            // Enough calls per timing to last about a millisecond.
            before(); after();
            double t0 = StepProfile.ThreadCpuSeconds();
            int calls = 0;
            while (StepProfile.ThreadCpuSeconds() - t0 < 2e-3) { before(); calls++; }
            var b = new double[count];
            var a = new double[count];
            var ratio = new double[count];
            for (int r = 0; r < count; r++)
            {
                b[r] = Time(before, calls);
                a[r] = Time(after, calls);
                ratio[r] = a[r] / b[r];
            }
            Console.WriteLine(string.Create(inv, $"| {name} | {size} | {Median(b) * 1e6:0.00} | {Median(a) * 1e6:0.00} | {Median(ratio):0.000} |"));
        }
    }

    private static double Time(Action action, int calls)
    {
        double start = StepProfile.ThreadCpuSeconds();
        for (int i = 0; i < calls; i++) action();
        return (StepProfile.ThreadCpuSeconds() - start) / calls;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}

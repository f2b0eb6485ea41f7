using NeuralNet.Engine;
using System.Globalization;
using System.Runtime.InteropServices;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

/// <summary>
/// Where a training step's time goes, layer by layer. On one thread it is measured in CPU time of the calling
/// thread (CLOCK_THREAD_CPUTIME_ID), which a busy machine disturbs much less than wall-clock time; with
/// <c>--threads N</c> (N &gt; 1) in wall-clock time, since the other threads' work is what is being bought.
/// Also counts the worker-pool jobs (forks) per step.
/// </summary>
internal static partial class StepProfile
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>CPU time of the calling thread in seconds (Linux), or wall-clock time elsewhere.</summary>
    public static double ThreadCpuSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3, out TimeSpec t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
        return System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency;
    }

    private static double WallSeconds() => System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency;

    /// <summary>
    /// <c>profile [--batch 64] [--steps 2000] [--threads 1,2] [--rounds 1] [--clock cpu|wall]</c>: with several
    /// thread counts, rounds of <c>--steps</c> steps alternate between them in one process (same network,
    /// same batches), so a load that changes during the run touches all of them alike. Prints, per part of the
    /// step, the mean, the median and the 10th percentile over steps: on a busy machine the low percentile is
    /// the closest to what a quiet machine would show.
    /// </summary>
    public static int Run(string[] args)
    {
        int batch = Options.Int(args, "--batch", 64);
        int steps = Options.Int(args, "--steps", 2000);
        int rounds = Options.Int(args, "--rounds", 1);
        int[] threadCounts = (Options.Text(args, "--threads") ?? "1").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        string? clockName = Options.Text(args, "--clock");
        bool wholeSteps = args.Contains("--trainer");
        bool fuse = !args.Contains("--unfused");
        // --dense: the products run every multiply-add (no skipping of all-zero columns), to show the dense kernel's share of the ceiling.
        bool dense = args.Contains("--dense");
        // --split-norm: the gradients' global norm (which Optimizer.Step computes first) timed once more on its own
        // just before the step, so its cost (reading dW where the backward left it) shows; the step's own then reads warm data.
        bool splitNorm = args.Contains("--split-norm"); // odd entries of --threads run Linear and ReLU as separate passes
        (ImageDataset? train, ImageDataset _) = Mnist.Load();
        var network = Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42);
        var optimizer = new Adam(1e-3);
        var loss = new SoftmaxCrossEntropy();
        var sampler = new MiniBatchSampler(train, batch);
        sampler.Shuffle(new Random(1));
        int layerCount = network.Layers.Count;
        var plan = new ExecutionPlan(network.Layers);   // the steps Sequential runs
        // Parts: gather, forward of each plan step (or layer, --unfused), loss, backward of each (last first), Adam;
        // with the multiply-adds of each part as a dense product computes them, for GFLOP/s.
        ILayer[][] units = fuse ? PlanUnits(plan, network) : [.. network.Layers.Select(l => new[] { l })];
        string[] unitNames = [.. units.Select(u => string.Join(" + ", u.Select(l => l.Name)))];
        string[] names = [
            "gather", .. unitNames.Select(n => $"fwd {n}"), "loss",
            .. unitNames.Reverse().Select(n => $"bwd {n}"), .. (splitNorm ? new[] { "norm (extra)" } : []), "adam"];
        double[] flops = [
            0, .. units.Select(u => DenseFlops(u, batch)), 0,
            .. units.Select((u, i) => DenseFlops(u, batch) * (i == 0 ? 1 : 2)).Reverse(), .. (splitNorm ? new[] { 0.0 } : []), 0];
        double ceiling = MeasureCeiling();
        using ComputeContext.Scope denseScope = (dense ? ComputeContext.Current.Narrowed(skipsZeros: false) : ComputeContext.Current).Use();
        if (wholeSteps) names = ["Trainer.TrainStep"];
        var trainer = new NeuralNet.Training.Trainer(network, optimizer, loss);
        List<double[]>[] samples = threadCounts.Select(_ => new List<double[]>()).ToArray();
        long[] jobs = new long[threadCounts.Length];
        int[] stalls = new int[threadCounts.Length];
        Matrix gradient = new(batch, 10);
        int next = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int c = 0; c < threadCounts.Length; c++)
            {
                ComputeSettings.ThreadCount = threadCounts[c];
                bool cpu = clockName is null ? threadCounts[c] == 1 : clockName == "cpu";
                Func<double> now = cpu ? ThreadCpuSeconds : WallSeconds;
                long jobsBefore = 0;
                int stallsBefore = 0;
                for (int s = -100; s < steps; s++)
                {
                    if (s == 0) (jobsBefore, stallsBefore) = (ComputeContext.Current.Pool.Jobs, ComputeContext.Current.Pool.Stalls);
                    double[] times = new double[names.Length];
                    int part = 0;
                    double before = now();
                    void Lap()
                    {
                        double after = now();
                        times[part++] = after - before;
                        before = after;
                    }
                    if (next == sampler.BatchCount - 1) next = 0;
                    if (wholeSteps)
                    {
                        trainer.TrainStep(sampler.GetBatch(next++));
                        Lap();
                        if (s >= 0) samples[c].Add(times);
                        continue;
                    }
                    MiniBatch mb = sampler.GetBatch(next++);
                    Lap();
                    Matrix x = mb.Images;
                    if (fuse)
                    {
                        // As Sequential.Forward: the engine's steps (Linear → ReLU in one pass).
                        foreach (PlanStep step in plan.Steps)
                        {
                            x = step.Forward(x, training: true);
                            Lap();
                        }
                    }
                    else
                    {
                        for (int l = 0; l < layerCount; l++)
                        {
                            x = network.Layers[l].Forward(x, training: true);
                            Lap();
                        }
                    }
                    loss.Compute(x, mb.Labels.Span, gradient);
                    Lap();
                    Matrix g = gradient;
                    if (fuse)
                    {
                        // As Sequential.Backward.
                        for (int p = plan.Steps.Count - 1; p >= 0; p--)
                        {
                            g = plan.Steps[p].Backward(g, needInputGradient: p > 0);   // as the Trainer: no ∂L/∂pixels
                            Lap();
                        }
                    }
                    else
                    {
                        for (int l = layerCount - 1; l >= 0; l--)
                        {
                            g = network.Layers[l].Backward(g, needInputGradient: l > 0);   // as the Trainer: no ∂L/∂pixels
                            Lap();
                        }
                    }
                    if (splitNorm)
                    {
                        double norm = 0;
                        foreach (Parameter p in network.Parameters) norm += MatrixOps.SumOfSquares(p.Gradient.Span);
                        if (norm < 0) Console.WriteLine();
                        Lap();
                    }
                    optimizer.Step(network.Parameters);
                    Lap();
                    if (s >= 0) samples[c].Add(times);
                }
                jobs[c] += ComputeContext.Current.Pool.Jobs - jobsBefore;
                stalls[c] += ComputeContext.Current.Pool.Stalls - stallsBefore;
            }
        }

        CultureInfo inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{CpuName()}; FMA ceiling measured now: {ceiling:0.0} GFLOP/s per core" +
            $" (chapter 7's FMA-only loop); {(dense ? "dense products (--dense)" : "products skip all-zero columns")}"));
        for (int c = 0; c < threadCounts.Length; c++)
        {
            List<double[]> rows = samples[c];
            bool cpu = clockName is null ? threadCounts[c] == 1 : clockName == "cpu";
            Console.WriteLine(string.Create(inv,
                $"batch {batch}, {threadCounts[c]} thread(s), µs per step ({(cpu ? "thread CPU" : "wall-clock")} time), {rows.Count} steps in {rounds} round(s), " +
                $"{(double)jobs[c] / rows.Count:0.0} pool jobs per step, {stalls[c]} stalls"));
            // GFLOP/s counts a dense product's 2·m·n·k (skipped zeros included), at the median time; "of ceiling" divides
            // by the measured FMA ceiling times the thread count.
            Console.WriteLine("  part                                  mean   median      p10   GFLOP/s  of ceiling");
            for (int p = 0; p < names.Length; p++)
            {
                double[] part = rows.Select(r => r[p] * 1e6).ToArray();
                double median = Percentile(part, 0.5), gflops = flops[p] / (median * 1e3);
                string rate = flops[p] > 0 ? string.Create(inv, $"{gflops,10:0.0}{gflops / (ceiling * threadCounts[c]),11:0%}") : "";
                Console.WriteLine(string.Create(inv, $"  {names[p],-32}{part.Average(),10:0.0}{median,9:0.0}{Percentile(part, 0.1),9:0.0}{rate}"));
            }
            double[] totals = rows.Select(r => r.Sum() * 1e6).ToArray();
            double stepGflops = flops.Sum() / (Percentile(totals, 0.5) * 1e3);
            Console.WriteLine(string.Create(inv,
                $"  {"total",-32}{totals.Average(),10:0.0}{Percentile(totals, 0.5),9:0.0}{Percentile(totals, 0.1),9:0.0}" +
                $"{stepGflops,10:0.0}{stepGflops / (ceiling * threadCounts[c]),11:0%}" +
                $"  → {totals.Average() * 60000 / batch / 1e6:0.000} (mean) / {Percentile(totals, 0.1) * 60000 / batch / 1e6:0.000} (p10) s per epoch"));
        }
        return 0;
    }

    // The layers each plan step runs, in order.
    private static ILayer[][] PlanUnits(ExecutionPlan plan, Sequential network)
    {
        var units = new List<ILayer[]>();
        int next = 0;
        foreach (PlanStep step in plan.Steps)
        {
            units.Add([.. network.Layers.Skip(next).Take(step.LayerCount)]);
            next += step.LayerCount;
        }
        return [.. units];
    }

    // 2·batch·inputs·outputs for each Linear layer: one product's flops (forward, or each of dW and dX backward).
    private static double DenseFlops(IEnumerable<ILayer> layers, int batch) =>
        layers.OfType<Linear>().Sum(l => 2.0 * batch * l.Inputs * l.Outputs);

    /// <summary>The most GFLOP/s one core did in chapter 7's FMA-only loop, over the vector widths it accelerates.</summary>
    internal static double MeasureCeiling()
    {
        int[] widths = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? [8, 16] : [8];
        return widths.Max(w => NeuralNet.Teaching.FmaThroughput.MeasureGflops(w, repetitions: 7));
    }

    /// <summary>The CPU's model name and family/model numbers from /proc/cpuinfo (Linux), for the record.</summary>
    internal static string CpuName()
    {
        if (!File.Exists("/proc/cpuinfo")) return Environment.ProcessorCount + " cores";
        string[] lines = File.ReadAllLines("/proc/cpuinfo");
        string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        return $"{Field("model name")} (family {Field("cpu family")}, model {Field("model	")}), {Environment.ProcessorCount} cores";
    }

    private static double Percentile(double[] values, double fraction)
    {
        double[] sorted = values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(fraction * sorted.Length))];
    }
}

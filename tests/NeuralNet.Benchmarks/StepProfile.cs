using System.Globalization;
using System.Runtime.InteropServices;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

/// <summary>
/// Where a training step's time goes, layer by layer, measured in CPU time of the calling thread
/// (CLOCK_THREAD_CPUTIME_ID), which a busy machine disturbs much less than wall-clock time. Single thread.
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

    public static int Run(string[] args)
    {
        int batch = Options.Int(args, "--batch", 64);
        int steps = Options.Int(args, "--steps", 2000);
        ComputeSettings.ThreadCount = 1;
        var (train, _) = Mnist.Load();
        var network = Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42);
        var optimizer = new Adam(1e-3);
        var loss = new SoftmaxCrossEntropy();
        var sampler = new MiniBatchSampler(train, batch);
        sampler.Shuffle(new Random(1));
        int layerCount = network.Layers.Count;
        var forward = new double[layerCount];
        var backward = new double[layerCount];
        double gather = 0, lossTime = 0, update = 0;
        Matrix gradient = new(batch, 10);
        for (int s = -200; s < steps; s++)
        {
            bool record = s >= 0;
            double t0 = ThreadCpuSeconds();
            MiniBatch mb = sampler.GetBatch((s + 200) % (sampler.BatchCount - 1));
            double t1 = ThreadCpuSeconds();
            if (record) gather += t1 - t0;
            Matrix x = mb.Images;
            for (int l = 0; l < layerCount; l++)
            {
                double a = ThreadCpuSeconds();
                x = network.Layers[l].Forward(x, training: true);
                if (record) forward[l] += ThreadCpuSeconds() - a;
            }
            double t2 = ThreadCpuSeconds();
            loss.Compute(x, mb.Labels.Span, gradient);
            double t3 = ThreadCpuSeconds();
            if (record) lossTime += t3 - t2;
            Matrix g = gradient;
            for (int l = layerCount - 1; l >= 0; l--)
            {
                double a = ThreadCpuSeconds();
                g = network.Layers[l].Backward(g, needInputGradient: l > 0);   // as the Trainer: no ∂L/∂pixels
                if (record) backward[l] += ThreadCpuSeconds() - a;
            }
            double t4 = ThreadCpuSeconds();
            optimizer.Step(network.Parameters);
            if (record) update += ThreadCpuSeconds() - t4;
        }
        double perStep(double total) => total / steps * 1e6;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"batch {batch}, µs per step (thread CPU time), {steps} steps"));
        Console.WriteLine(string.Create(inv, $"  gather            {perStep(gather),8:0.0}"));
        for (int l = 0; l < layerCount; l++)
            Console.WriteLine(string.Create(inv, $"  fwd {network.Layers[l].Name,-14}{perStep(forward[l]),8:0.0}   bwd {perStep(backward[l]),8:0.0}"));
        Console.WriteLine(string.Create(inv, $"  loss              {perStep(lossTime),8:0.0}"));
        Console.WriteLine(string.Create(inv, $"  adam              {perStep(update),8:0.0}"));
        double total = gather + lossTime + update + forward.Sum() + backward.Sum();
        Console.WriteLine(string.Create(inv, $"  total             {perStep(total),8:0.0}  → {perStep(total) * 60000 / batch / 1e6:0.000} s per epoch"));
        return 0;
    }
}

using NeuralNet.Engine;
using System.Diagnostics;
using System.Globalization;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Benchmarks;

/// <summary>
/// End to end: the 784-128-64-10 ReLU network, Adam (η = 0.001), trained on MNIST with the library's
/// <see cref="Trainer"/> (shuffle, gather, forward, loss, backward, update). Prints seconds per epoch and the
/// test accuracy after the last epoch, in the one-line format the comparison script reads.
/// </summary>
internal static class EpochBenchmark
{
    public static int Run(string[] args)
    {
        int batch = Options.Int(args, "--batch", 64);
        (int threads, bool choose) = Options.Threads(args);
        int epochs = Options.Int(args, "--epochs", 5);
        int seed = Options.Int(args, "--seed", 42);
        ComputeSettings.ThreadCount = threads;

        (ImageDataset? train, ImageDataset? test) = Mnist.Load(Options.Text(args, "--data"));
        var network = Sequential.Mlp(784, [128, 64], 10, "relu", seed: seed);
        var trainer = new Trainer(network, new Adam(1e-3), options: new TrainingOptions { Epochs = epochs, BatchSize = batch, Seed = seed, ChooseThreads = choose });
        // The training thread's CPU time per epoch over its wall time: below 1 when the thread waited for a core
        // (on a machine where another process keeps a core busy, it shows whether we shared that core).
        var cpuShares = new List<double>();
        double cpuBefore = StepProfile.ThreadCpuSeconds();
        trainer.EpochCompleted += e =>
        {
            double cpu = StepProfile.ThreadCpuSeconds();
            cpuShares.Add((cpu - cpuBefore) / e.Metrics.Seconds);
            cpuBefore = cpu;
        };
        TrainingHistory history = trainer.Fit(train);
        (double _, double accuracy) = trainer.Evaluate(test);

        double[] seconds = history.Epochs.Select(e => e.Seconds).ToArray();
        string list = string.Join(",", seconds.Select(s => s.ToString("0.0000", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT peer=ours batch={batch} threads={(choose ? "auto" : threads)} epochs={epochs} median_s={Median(seconds):0.0000} best_s={seconds.Min():0.0000} test_acc={accuracy:0.0000} epoch_s={list} isa={GemmKernel.Best} pool_jobs={ComputeContext.Current.Pool.Jobs} stalls={ComputeContext.Current.Pool.Stalls} solo_jobs={ComputeContext.Current.Pool.SoloJobs} cpu_share={string.Join(",", cpuShares.Select(c => c.ToString("0.00", CultureInfo.InvariantCulture)))}"));
        return 0;
    }

    /// <summary>Bytes allocated by the training thread per step, after warm-up (the quick check; the BenchmarkDotNet suite is the report).</summary>
    public static int MeasureAllocations(string[] args)
    {
        int batch = Options.Int(args, "--batch", 64);
        ComputeSettings.ThreadCount = Options.Int(args, "--threads", Environment.ProcessorCount);
        string model = Options.Text(args, "--model") ?? "mlp";
        var step = new TrainStepFixture(batch, model: model);
        int steps = model == "cnn" ? 100 : 1000;
        for (int i = 0; i < steps / 5; i++) step.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < steps; i++) step.Step();
        long thread = GC.GetAllocatedBytesForCurrentThread() - before;
        long total = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
        Console.WriteLine($"RESULT alloc model={model} batch={batch} threads={ComputeSettings.ThreadCount} thread_bytes_per_step={(double)thread / steps} process_bytes_per_step={(double)total / steps}");
        return 0;
    }

    internal static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>One training step on real MNIST batches, walking through a shuffled epoch (shared by the suites).</summary>
internal sealed class TrainStepFixture
{
    private readonly Trainer trainer;
    private readonly MiniBatchSampler sampler;
    private int next;

    /// <param name="model"><c>mlp</c>: 784-128-64-10 ReLU; <c>cnn</c>: chapter 6's CNN (<see cref="ConvNet.Small"/>).</param>
    public TrainStepFixture(int batch, int seed = 42, string model = "mlp")
    {
        (ImageDataset? train, ImageDataset _) = Mnist.Load();
        Sequential network = model == "cnn" ? ConvNet.Small(seed: seed) : Sequential.Mlp(784, [128, 64], 10, "relu", seed: seed);
        trainer = new Trainer(network, new Adam(1e-3), options: new TrainingOptions { BatchSize = batch, Seed = seed });
        sampler = new MiniBatchSampler(train, batch);
        sampler.Shuffle(new Random(seed));
    }

    public double Step()
    {
        if (next == sampler.BatchCount - 1) next = 0; // skip the short last batch so every step is the same size
        return trainer.TrainStep(sampler.GetBatch(next++)).Loss;
    }
}

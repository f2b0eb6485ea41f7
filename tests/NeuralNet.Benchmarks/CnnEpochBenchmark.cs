using System.Globalization;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Benchmarks;

/// <summary>
/// End to end for the chapter-06 CNN: Conv 5x5x16 (pad 2) – ReLU – pool 2 – Conv 5x5x32 (pad 2) – ReLU –
/// pool 2 – Dense 128 – ReLU – Dense 10, Adam (η = 0.001), trained on MNIST with the library's
/// <see cref="Trainer"/>. Prints seconds per epoch and the test accuracy after the last epoch in the
/// one-line format of <see cref="EpochBenchmark"/>; <c>compare/cnn_torch.py</c> is the PyTorch peer and
/// <c>compare/compare_cnn.sh</c> runs both alternately.
/// </summary>
internal static class CnnEpochBenchmark
{
    public static int Run(string[] args)
    {
        int batch = Options.Int(args, "--batch", 64);
        (int threads, bool choose) = Options.Threads(args);
        int epochs = Options.Int(args, "--epochs", 3);
        int seed = Options.Int(args, "--seed", 42);
        int padding = Options.Int(args, "--padding", 2);
        ComputeSettings.ThreadCount = threads;

        (ImageDataset? train, ImageDataset? test) = Mnist.Load(Options.Text(args, "--data"));
        int limit = Options.Int(args, "--limit", 0);
        if (limit > 0) train = train.Take(limit); // quick runs: fewer images per "epoch"
        Sequential network = ConvNet.Small(seed: seed, padding: padding);
        var trainer = new Trainer(network, new Adam(1e-3), options: new TrainingOptions { Epochs = epochs, BatchSize = batch, Seed = seed, ChooseThreads = choose });
        // On a shared machine an epoch's wall time mostly measures the neighbours. The fastest window of
        // `window` consecutive batches, scaled to a whole epoch, estimates the time on a quiet machine.
        int window = Options.Int(args, "--window", 50);
        double bestWindow = double.PositiveInfinity, windowStart = 0;
        trainer.BatchCompleted += b =>
        {
            if (b.Batch == 1) windowStart = 0;
            if (b.Batch % window == 0)
            {
                bestWindow = Math.Min(bestWindow, b.ElapsedSeconds - windowStart);
                windowStart = b.ElapsedSeconds;
            }
        };
        trainer.EpochCompleted += e => Console.Error.WriteLine($"epoch {e.Metrics.Epoch}: {e.Metrics.Seconds:F2} s");
        TrainingHistory history = trainer.Fit(train);
        (double _, double accuracy) = trainer.Evaluate(test);

        double[] seconds = history.Epochs.Select(e => e.Seconds).ToArray();
        double batches = Math.Ceiling(60_000 / (double)batch); // windows are scaled to a full MNIST epoch
        string list = string.Join(",", seconds.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT peer=ours model=cnn padding={padding} images={train.Count} batch={batch} threads={(choose ? "auto" : threads)} epochs={epochs} median_s={EpochBenchmark.Median(seconds):0.000} best_s={seconds.Min():0.000} test_acc={accuracy:0.0000} epoch_s={list} best_window_epoch_s={bestWindow / window * batches:0.000}"));
        return 0;
    }
}

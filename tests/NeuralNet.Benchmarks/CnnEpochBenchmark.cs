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
        int threads = Options.Int(args, "--threads", 2);
        int epochs = Options.Int(args, "--epochs", 3);
        int seed = Options.Int(args, "--seed", 42);
        int padding = Options.Int(args, "--padding", 2);
        ComputeSettings.ThreadCount = threads;

        var (train, test) = Mnist.Load(Options.Text(args, "--data"));
        var network = ConvNet.Small(seed: seed, padding: padding);
        var trainer = new Trainer(network, new Adam(1e-3), options: new TrainingOptions { Epochs = epochs, BatchSize = batch, Seed = seed });
        trainer.EpochCompleted += e => Console.Error.WriteLine($"epoch {e.Metrics.Epoch}: {e.Metrics.Seconds:F2} s");
        TrainingHistory history = trainer.Fit(train);
        (double _, double accuracy) = trainer.Evaluate(test);

        double[] seconds = history.Epochs.Select(e => e.Seconds).ToArray();
        string list = string.Join(",", seconds.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT peer=ours model=cnn padding={padding} batch={batch} threads={threads} epochs={epochs} median_s={EpochBenchmark.Median(seconds):0.000} best_s={seconds.Min():0.000} test_acc={accuracy:0.0000} epoch_s={list}"));
        return 0;
    }
}

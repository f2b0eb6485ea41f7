using System.Diagnostics;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// Briefly trained MNIST models, made once per test run: trained weights (and batch-norm running statistics)
/// are what an export must carry over, and random ones would hide a mix-up that training makes visible.
/// </summary>
public static class TrainedModels
{
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test)> mnist = new(() => NeuralNet.Data.Mnist.Load());
    private static readonly Lazy<(Sequential, TimeSpan)> mlp = new(TrainMlp);
    private static readonly Lazy<(Sequential, TimeSpan)> cnn = new(TrainCnn);

    /// <summary>MNIST found through the library's normal lookup (CI seeds the repository's data/mnist).</summary>
    public static (ImageDataset Train, ImageDataset Test) Mnist => mnist.Value;

    /// <summary>784-128-64-10 ReLU, 2 epochs of Adam on all 60,000 training images.</summary>
    public static Sequential Mlp => mlp.Value.Item1;

    /// <summary>The chapter's CNN with batch norm and dropout, 1 epoch on the first 4,000 training images.</summary>
    public static Sequential Cnn => cnn.Value.Item1;

    /// <summary>How long the training took, for the test log.</summary>
    public static TimeSpan MlpTrainingTime => mlp.Value.Item2;

    /// <inheritdoc cref="MlpTrainingTime"/>
    public static TimeSpan CnnTrainingTime => cnn.Value.Item2;

    private static (Sequential, TimeSpan) TrainMlp()
    {
        var net = Sequential.Mlp(784, [128, 64], 10, seed: 1);
        var clock = Stopwatch.StartNew();
        new Trainer(net, new Adam(0.001), options: new TrainingOptions { Epochs = 2, Seed = 1 }).Fit(Mnist.Train);
        return (net, clock.Elapsed);
    }

    private static (Sequential, TimeSpan) TrainCnn()
    {
        Sequential net = ConvNet.Small(seed: 1, batchNorm: true, dropout: 0.25);
        var clock = Stopwatch.StartNew();
        new Trainer(net, new Adam(0.001), options: new TrainingOptions { Epochs = 1, Seed = 1 }).Fit(Mnist.Train.Take(4000));
        return (net, clock.Elapsed);
    }
}

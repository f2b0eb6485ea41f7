using NeuralNet.Data;
using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// The networks <c>nn train --model</c> can build: <c>mlp</c>, a dense network whose hidden layers,
/// activation and initialisation are options, and <c>cnn</c>, the convolutional network of chapter 06
/// (<see cref="ConvNet.Small"/>). The model file stores the architecture, so <c>evaluate</c> and
/// <c>predict</c> read either without being told which.
/// </summary>
public static class Architectures
{
    /// <summary>The dense network (the default).</summary>
    public const string Mlp = "mlp";

    /// <summary>The chapter-06 convolutional network.</summary>
    public const string Cnn = "cnn";

    /// <summary>The names <c>--model</c> accepts.</summary>
    public static readonly string[] Names = [Mlp, Cnn];

    /// <summary>Builds the network <paramref name="name"/> for images and classes like <paramref name="train"/>'s.</summary>
    public static Sequential Build(string name, ImageDataset train, int[] hidden, string activation, string init, int seed) => name switch
    {
        Mlp => Sequential.Mlp(train.FeatureCount, hidden, train.ClassCount, activation, Init.Parse(init), seed),
        Cnn => ConvNet.Small(new ImageShape(1, train.Height, train.Width), train.ClassCount, seed),
        _ => throw new ArgumentException($"Unknown model '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>A one-line summary such as <c>784-128-64-10</c> or <c>cnn 1x28x28-conv16-pool-conv32-pool-128-10</c>.</summary>
    public static string Describe(string name, ImageDataset train, int[] hidden) => name == Cnn
        ? $"cnn {train.Height}x{train.Width}-conv5x5x16-pool-conv5x5x32-pool-128-{train.ClassCount}"
        : string.Join("-", new[] { train.FeatureCount }.Concat(hidden).Append(train.ClassCount));
}

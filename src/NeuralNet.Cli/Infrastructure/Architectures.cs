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

    /// <summary>
    /// The size of network <paramref name="name"/> for <paramref name="train"/>'s images, worked out from the layer
    /// shapes without building it (building is what would run out of memory).
    /// </summary>
    public static NetworkSize SizeOf(string name, ImageDataset train, int[] hidden)
    {
        var size = new NetworkSizeCounter();
        if (name == Cnn)
        {
            // ConvNet.Small's defaults: two 5x5 convolutions (16 and 32 filters, padding 2: same size) each with a ReLU
            // and a 2x2 max-pool, then Flatten, Dense 128, ReLU and the output layer.
            long height = train.Height, width = train.Width, channels = 1;
            foreach (int filters in new[] { 16, 32 })
            {
                size.Layer($"a 5x5 convolution of {channels} to {filters} channels", channels * 25, filters, outputs: filters * height * width, copies: 2);
                (channels, height, width) = (filters, height / 2, width / 2);
                size.Outputs(channels * height * width, copies: 2);   // the pool and, after the second, Flatten
            }
            long flattened = channels * height * width;
            size.Layer($"the dense layer of {flattened:N0} x 128", flattened, 128, outputs: 128, copies: 2);
            size.Layer("the output layer", 128, train.ClassCount, outputs: train.ClassCount, copies: 1);
            return size.Result;
        }
        long inputs = train.FeatureCount;
        foreach (int units in hidden)
        {
            size.Layer($"a layer of {inputs:N0} x {units:N0}", inputs, units, outputs: units, copies: 2);   // Linear and its activation
            inputs = units;
        }
        size.Layer($"the output layer of {inputs:N0} x {train.ClassCount}", inputs, train.ClassCount, outputs: train.ClassCount, copies: 1);
        return size.Result;
    }

    private sealed class NetworkSizeCounter
    {
        private double parameters, outputWidths;
        private string? tooLarge;

        public void Layer(string description, long inputs, long units, long outputs, int copies)
        {
            double weights = (double)inputs * units;
            if (weights > Array.MaxLength || outputs > int.MaxValue) tooLarge ??= $"{description} has {weights:N0} weights and {outputs:N0} outputs per image";
            parameters += weights + units;
            Outputs(outputs, copies);
        }

        public void Outputs(long width, int copies) => outputWidths += (double)width * copies;

        public NetworkSize Result => new(parameters, outputWidths, tooLarge);
    }

    /// <summary>A one-line summary such as <c>784-128-64-10</c> or <c>cnn 1x28x28-conv16-pool-conv32-pool-128-10</c>.</summary>
    public static string Describe(string name, ImageDataset train, int[] hidden) => name == Cnn
        ? $"cnn {train.Height}x{train.Width}-conv5x5x16-pool-conv5x5x32-pool-128-{train.ClassCount}"
        : string.Join("-", new[] { train.FeatureCount }.Concat(hidden).Append(train.ClassCount));
}

/// <summary>How large a network is: its parameters, the sum of its layers' output widths (floats per image), and the first layer too large to build, if any.</summary>
public sealed record NetworkSize(double Parameters, double OutputWidths, string? LargestLayer);

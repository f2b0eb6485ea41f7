using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

/// <summary>
/// An example of every layer class of the library: the one line a new layer adds. <see cref="EveryLayerTests"/>
/// holds each to the layer contract (model file, gradients), and the ONNX tests check each exported layer against
/// ONNX Runtime.
/// </summary>
public static class LayerExamples
{
    /// <summary>A layer to test and the input width it takes; <c>Training</c> false where training mode is random (dropout).</summary>
    public sealed record Example(Func<ILayer> Create, int InputWidth, bool Training = true);

    /// <summary>One or more examples per layer class: add yours here.</summary>
    public static readonly Example[] All =
    [
        new(() => new Linear(5, 4, Init.Xavier, new Random(1)), 5),
        new(() => new Conv2D(new ImageShape(2, 5, 5), 3, 3, stride: 2, padding: 1, random: new Random(1)), 50),
        new(() => new MaxPool2D(new ImageShape(2, 5, 4), 2), 40),
        new(() => new MaxPool2D(new ImageShape(1, 5, 5), 3, stride: 2), 25),
        new(() => new BatchNorm(6), 6),
        new(() => new BatchNorm(new ImageShape(2, 3, 3), momentum: 0.2), 18),
        new(() => new Dropout(0.3, seed: 3), 7, Training: false),
        new(() => new Flatten(), 7),
        new(() => new ReLU(), 7),
        new(() => new LeakyReLU(0.2), 7),
        new(() => new Sigmoid(), 7),
        new(() => new Tanh(), 7),
        new(() => new GELU(), 7),
        new(() => new Softmax(), 7),
        new(() => new Sequential(new Linear(5, 4, Init.Xavier, new Random(2)), new Tanh(), new BatchNorm(4)), 5),
    ];
}

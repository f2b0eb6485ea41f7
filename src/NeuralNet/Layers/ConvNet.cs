using NeuralNet.Initialization;
using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// Builds the small convolutional network of chapter 06:
/// Conv K×K×F₁ – ReLU – max-pool 2 – Conv K×K×F₂ – ReLU – max-pool 2 – Dense H – ReLU – Dense classes,
/// optionally with batch normalisation after each convolution and the hidden dense layer, and dropout
/// before the output layer.
/// </summary>
public static class ConvNet
{
    /// <summary>
    /// The chapter's CNN. With the defaults (28x28 grey images, 16 and 32 filters of 5x5 with padding 2,
    /// 128 hidden units) it has 215,370 parameters and reaches 99%+ on MNIST in a few epochs.
    /// </summary>
    /// <param name="input">Shape of one image (1x28x28 for MNIST when null).</param>
    /// <param name="classes">Number of outputs (logits).</param>
    /// <param name="seed">Seeds the weights (and the dropout masks), so the same seed gives the same network.</param>
    /// <param name="batchNorm">Insert <see cref="BatchNorm"/> after each convolution and the hidden dense layer.</param>
    /// <param name="dropout">If above 0, a <see cref="Dropout"/> of this rate before the output layer.</param>
    public static Sequential Small(ImageShape? input = null, int classes = 10, int seed = 42,
        bool batchNorm = false, double dropout = 0, int filters1 = 16, int filters2 = 32, int hidden = 128,
        int kernelSize = 5, int padding = 2)
    {
        var random = new Random(seed);
        var layers = new List<ILayer>();
        ImageShape shape = input ?? new ImageShape(1, 28, 28);
        foreach (int filters in new[] { filters1, filters2 })
        {
            var conv = new Conv2D(shape, filters, kernelSize, padding: padding, initializer: Init.He, random: random);
            layers.Add(conv);
            if (batchNorm) layers.Add(new BatchNorm(conv.OutputShape));
            layers.Add(new ReLU());
            var pool = new MaxPool2D(conv.OutputShape, 2);
            layers.Add(pool);
            shape = pool.OutputShape;
        }
        layers.Add(new Flatten());
        layers.Add(new Linear(shape.Size, hidden, Init.He, random));
        if (batchNorm) layers.Add(new BatchNorm(hidden));
        layers.Add(new ReLU());
        if (dropout > 0) layers.Add(new Dropout(dropout, seed));
        layers.Add(new Linear(hidden, classes, Init.Xavier, random));
        return new Sequential([.. layers]);
    }
}

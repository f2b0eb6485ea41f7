using NeuralNet.Tensors;

namespace NeuralNet.Onnx;

/// <summary>
/// The shape of one value inside the exported graph. Our layers all pass N x (C·H·W) matrices (one image per
/// row, channel-major), but ONNX operators care: Conv and MaxPool want N x C x H x W, Gemm wants N x features.
/// The exporter tracks which of the two a value is and inserts Reshape or Flatten where the next layer wants
/// the other. Both hold the same numbers in the same order, so neither copies or reorders anything.
/// </summary>
internal readonly record struct TensorLayout
{
    private TensorLayout(int features, ImageShape? image)
    {
        Features = features;
        Image = image;
    }

    /// <summary>Values per sample.</summary>
    public int Features { get; }

    /// <summary>Channels x height x width when the value is N x C x H x W; null when it is N x features.</summary>
    public ImageShape? Image { get; }

    /// <summary>An N x <paramref name="features"/> value.</summary>
    public static TensorLayout Flat(int features) => new(features, null);

    /// <summary>An N x C x H x W value.</summary>
    public static TensorLayout Of(ImageShape image) => new(image.Size, image);

    /// <summary>The dimensions after the batch: [features] or [C, H, W].</summary>
    public long[] SampleDimensions =>
        Image is ImageShape s ? [s.Channels, s.Height, s.Width] : [Features];

    /// <inheritdoc/>
    public override string ToString() => Image is ImageShape s ? $"N x {s.Channels} x {s.Height} x {s.Width}" : $"N x {Features}";
}

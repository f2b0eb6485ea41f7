namespace NeuralNet.Tensors;

/// <summary>
/// The shape of one image in a batch: channels x height x width. A batch of images is still a
/// <see cref="Matrix"/> with one sample per row; each row holds <see cref="Size"/> values, channel-major
/// (c, y, x) — the layout of PyTorch's N x C x H x W tensors, flattened. Dense layers see the same row as
/// <see cref="Size"/> plain features, so no reshaping is needed between image and dense layers.
/// </summary>
public readonly record struct ImageShape
{
    /// <summary>Creates a shape; every dimension must be at least 1.</summary>
    public ImageShape(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Number of channels (1 for grey-scale input, the filter count after a convolution).</summary>
    public int Channels { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Values per channel, <c>Height * Width</c>.</summary>
    public int Plane => Height * Width;

    /// <summary>Values per image, <c>Channels * Height * Width</c>: the width of a batch matrix's rows.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Index of (c, y, x) within one image's row.</summary>
    public int IndexOf(int channel, int y, int x) => (channel * Height + y) * Width + x;

    /// <summary>Short text such as <c>16x14x14</c> (channels x height x width).</summary>
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}

namespace NeuralNet.Tensors;

/// <summary>
/// The shape of one image in a batch: channels x height x width. A batch of images is still a
/// <see cref="Matrix"/> with one sample per row; each row holds <see cref="Size"/> values, channel-major
/// (c, y, x) — the layout of PyTorch's N x C x H x W tensors, flattened. Dense layers see the same row as
/// <see cref="Size"/> plain features, so no reshaping is needed between image and dense layers.
/// </summary>
public readonly record struct ImageShape
{
    /// <summary>The largest channel count, height or width a shape may have (65,536).</summary>
    /// <remarks>Far above any real image layer, and small enough that sizes computed from a shape (a padded side,
    /// a kernel's patch) cannot overflow; a model file that asks for more is refused before anything is allocated.</remarks>
    public const int MaxDimension = 1 << 16;

    /// <summary>Creates a shape; every dimension must be 1 to <see cref="MaxDimension"/>, and one image at most <see cref="Array.MaxLength"/> values.</summary>
    public ImageShape(int channels, int height, int width)
    {
        CheckDimension(channels, nameof(channels));
        CheckDimension(height, nameof(height));
        CheckDimension(width, nameof(width));
        if ((long)channels * height * width > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"An image of {channels}x{height}x{width} has more values than an array can hold ({Array.MaxLength:N0}).");
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

    private static void CheckDimension(int value, string name)
    {
        if (value is < 1 or > MaxDimension)
            throw new ArgumentOutOfRangeException(name, value, $"An image's {name} must be 1 to {MaxDimension:N0}.");
    }

    /// <summary>Short text such as <c>16x14x14</c> (channels x height x width).</summary>
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}

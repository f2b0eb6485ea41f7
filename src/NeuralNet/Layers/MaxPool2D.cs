using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// Max pooling: each channel is cut into K x K windows (stride K by default) and each window keeps only its
/// largest value. It halves the resolution for K = 2, has no parameters, and makes the features a little
/// insensitive to where exactly they occur. The gradient flows back only to the pixel that won each window.
/// </summary>
/// <remarks>
/// Windows that would run past the edge are dropped (output size ⌊(H − K) / stride⌋ + 1, as in PyTorch).
/// </remarks>
public sealed class MaxPool2D : ILayer
{
    private readonly ConvGeometry geometry;
    private int[]? winners;          // for each output value, who won its window (see PoolingKernels.MaxPool)
    private Matrix? output;
    private Matrix? inputGradient;
    private int batchRows = -1;      // rows of the last forward pass

    /// <summary>Creates the layer for inputs of shape <paramref name="input"/>.</summary>
    /// <param name="input">Channels x height x width of one input image.</param>
    /// <param name="size">Window side K.</param>
    /// <param name="stride">Step between windows; K (non-overlapping windows) when null.</param>
    public MaxPool2D(ImageShape input, int size = 2, int? stride = null)
    {
        geometry = new ConvGeometry(input, size, stride ?? size, padding: 0);
        InputShape = input;
        OutputShape = new ImageShape(input.Channels, geometry.OutputHeight, geometry.OutputWidth);
    }

    /// <summary>Shape of one input image.</summary>
    public ImageShape InputShape { get; }

    /// <summary>Shape of one output: same channels, pooled height and width.</summary>
    public ImageShape OutputShape { get; }

    /// <summary>Window side K.</summary>
    public int Size => geometry.Kernel;

    /// <summary>Step between windows.</summary>
    public int Stride => geometry.Stride;

    /// <inheritdoc/>
    public string Name => $"MaxPool2D({Size}x{Size}" + (Stride != Size ? $", stride {Stride}" : "") + ")";

    /// <inheritdoc/>
    public int? InputSize => InputShape.Size;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public LayerSpec Spec => LayerSpec.Of(nameof(MaxPool2D),
        ("channels", InputShape.Channels), ("height", InputShape.Height), ("width", InputShape.Width),
        ("size", Size), ("stride", Stride));

    /// <summary>Rebuilds the layer from its model-file spec.</summary>
    public static MaxPool2D FromSpec(LayerSpec spec) =>
        new(new ImageShape(spec.GetInt("channels"), spec.GetInt("height"), spec.GetInt("width")), spec.GetInt("size"), spec.GetInt("stride"));

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) =>
        inputSize == InputShape.Size ? OutputShape.Size
            : throw new ShapeMismatchException($"{Name} expects images of {InputShape} = {InputShape.Size} values but receives {inputSize}.");

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        if (input.Cols != InputShape.Size)
            throw new ShapeMismatchException($"{Name} expects input batch x {InputShape.Size} ({InputShape}) but got {input.Shape}.");
        int n = input.Rows, outSize = OutputShape.Size;
        Matrix y = Matrix.Ensure(ref output, n, outSize);
        if (winners is null || winners.Length < n * outSize) winners = new int[n * outSize];
        batchRows = n;
        // y[i, c, oy, ox] = max over the window of x[i, c, oy·s .. oy·s + K − 1, ox·s .. ox·s + K − 1], and who won it
        for (int i = 0; i < n; i++) PoolingKernels.MaxPool(input.Row(i), geometry, y.Row(i), winners.AsSpan(i * outSize, outSize));
        return y;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        if (batchRows < 0 || winners is null) throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        int n = batchRows, outSize = OutputShape.Size;
        if (outputGradient.Rows != n || outputGradient.Cols != outSize)
            throw new ShapeMismatchException($"{Name}: gradient must be {n}x{outSize}, got {outputGradient.Shape}.");
        Matrix dx = Matrix.Ensure(ref inputGradient, n, InputShape.Size);
        // dx[i, the winner of each window] = dy[i, that window]; every other pixel gets 0
        for (int i = 0; i < n; i++) PoolingKernels.MaxPoolBackward(outputGradient.Row(i), winners.AsSpan(i * outSize, outSize), geometry, dx.Row(i));
        return dx;
    }
}

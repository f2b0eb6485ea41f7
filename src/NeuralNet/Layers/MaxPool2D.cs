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
    private int[]? winners;        // for each output value, the index (within its image row) of the input that won
    private Matrix? output;
    private Matrix? inputGradient;
    private int batchRows = -1;    // rows of the last forward pass

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
        float[] x = input.Data, yData = y.Data;
        int[] won = winners;
        ConvGeometry g = geometry;
        int inSize = InputShape.Size, k = g.Kernel, width = g.Input.Width;
        if (k == 2 && g.Stride == 2)
        {
            ParallelRange.For(n, (start, end) => Forward2x2(x, yData, won, start, end), floatsPerItem: inSize);
            return y;
        }
        ParallelRange.For(n, (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                int o = i * outSize;
                for (int c = 0; c < g.Input.Channels; c++)
                    for (int oy = 0; oy < g.OutputHeight; oy++)
                        for (int ox = 0; ox < g.OutputWidth; ox++, o++)
                        {
                            // y = max over the window; remember where it came from.
                            int corner = g.Input.IndexOf(c, oy * g.Stride, ox * g.Stride);
                            int best = corner;
                            float max = x[i * inSize + corner];
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int index = corner + ky * width + kx;
                                    float value = x[i * inSize + index];
                                    if (value > max)
                                    {
                                        max = value;
                                        best = index;
                                    }
                                }
                            yData[o] = max;
                            won[o] = best;
                        }
            }
        }, floatsPerItem: inSize);
        return y;
    }

    // The common 2x2, stride 2 case without the window loops; ties go to the first value, as above.
    private void Forward2x2(float[] x, float[] y, int[] won, int start, int end)
    {
        ConvGeometry g = geometry;
        int inSize = InputShape.Size, outSize = OutputShape.Size, width = g.Input.Width;
        for (int i = start; i < end; i++)
        {
            int o = i * outSize, image = i * inSize;
            for (int c = 0; c < g.Input.Channels; c++)
                for (int oy = 0; oy < g.OutputHeight; oy++)
                {
                    int top = c * g.Input.Plane + 2 * oy * width;
                    for (int ox = 0; ox < g.OutputWidth; ox++, o++)
                    {
                        int i0 = top + 2 * ox, i2 = i0 + width;
                        float a = x[image + i0], b = x[image + i0 + 1], d = x[image + i2], e = x[image + i2 + 1];
                        int best = i0;
                        float max = a;
                        if (b > max) { max = b; best = i0 + 1; }
                        if (d > max) { max = d; best = i2; }
                        if (e > max) { max = e; best = i2 + 1; }
                        y[o] = max;
                        won[o] = best;
                    }
                }
        }
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        if (batchRows < 0 || winners is null) throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        int n = batchRows, outSize = OutputShape.Size, inSize = InputShape.Size;
        if (outputGradient.Rows != n || outputGradient.Cols != outSize)
            throw new ShapeMismatchException($"{Name}: gradient must be {n}x{outSize}, got {outputGradient.Shape}.");
        Matrix dx = Matrix.Ensure(ref inputGradient, n, inSize);
        float[] dy = outputGradient.Data, dxData = dx.Data;
        int[] won = winners;
        ParallelRange.For(n, (start, end) =>
        {
            dxData.AsSpan(start * inSize, (end - start) * inSize).Clear();
            // Only the winner of each window receives its gradient (+= because overlapping windows may share one).
            for (int i = start; i < end; i++)
                for (int o = i * outSize; o < (i + 1) * outSize; o++)
                    dxData[i * inSize + won[o]] += dy[o];
        }, floatsPerItem: inSize);
        return dx;
    }
}

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
public sealed unsafe class MaxPool2D : ILayer
{
    private readonly ConvGeometry geometry;
    // For each output value, who won its window: the corner 0..3 (2x2 windows of stride 2, see PoolingKernels),
    // else the winner's index within its image row.
    private int[]? winners;
    private Matrix? output;
    private Matrix? inputGradient;
    private Matrix? input;             // X of the last forward pass
    private Matrix? pooledGradient;    // dY, during Backward
    private int batchRows = -1;    // rows of the last forward pass
    private int parts;             // image ranges of the pass under way

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
        Matrix y = BeginForward(input);
        RunOverImages(input.Rows, &ForwardImages);
        return y;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        Matrix dx = BeginBackward(outputGradient);
        RunOverImages(batchRows, &BackwardImages);
        pooledGradient = null;
        return dx;
    }

    // Each pass in two pieces, which ImageChain runs inside its own blocks (one fork for all the image layers): a
    // serial set-up (checks and buffers; returns the output), then ForwardImage or BackwardImage per image.
    internal Matrix BeginForward(Matrix input)
    {
        if (input.Cols != InputShape.Size)
            throw new ShapeMismatchException($"{Name} expects input batch x {InputShape.Size} ({InputShape}) but got {input.Shape}.");
        int n = input.Rows, outSize = OutputShape.Size;
        Matrix y = Matrix.Ensure(ref output, n, outSize);
        if (winners is null || winners.Length < n * outSize) winners = new int[n * outSize];
        batchRows = n;
        this.input = input;
        return y;
    }

    // y[i] = the window maxima of image i, and who won each window.
    internal void ForwardImage(int i)
    {
        int outSize = OutputShape.Size;
        ReadOnlySpan<float> x = input!.Row(i);
        Span<float> y = output!.Row(i);
        Span<int> won = winners.AsSpan(i * outSize, outSize);
        if (Is2x2) PoolingKernels.Forward2x2(x, InputShape, y, won);   // won: the winning corner, 0..3
        else ForwardAnyWindow(x, geometry, y, won);                    // won: the winner's index in x
    }

    internal Matrix BeginBackward(Matrix outputGradient)
    {
        if (batchRows < 0 || winners is null) throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        int n = batchRows, outSize = OutputShape.Size;
        if (outputGradient.Rows != n || outputGradient.Cols != outSize)
            throw new ShapeMismatchException($"{Name}: gradient must be {n}x{outSize}, got {outputGradient.Shape}.");
        pooledGradient = outputGradient;
        return Matrix.Ensure(ref inputGradient, n, InputShape.Size);
    }

    // dx[i] = image i's window gradients, each sent back to the pixel that won its window.
    internal void BackwardImage(int i)
    {
        int outSize = OutputShape.Size;
        Span<float> dx = inputGradient!.Row(i);
        ReadOnlySpan<float> dy = pooledGradient!.Row(i);
        ReadOnlySpan<int> won = winners.AsSpan(i * outSize, outSize);
        if (Is2x2)
        {
            PoolingKernels.Backward2x2(dy, won, InputShape, dx);
            return;
        }
        dx.Clear();
        // Only the winner of each window receives its gradient (+= because overlapping windows may share one).
        for (int o = 0; o < outSize; o++) dx[won[o]] += dy[o];
    }

    private bool Is2x2 => geometry.Kernel == 2 && geometry.Stride == 2;

    // Fewest values an image-range part touches before it is worth handing to another thread.
    private const int MinimumFloatsPerPart = 32 * 1024;

    // Splits the batch's images into the image layers' ranges (ImageBlocks), one part each, so every core
    // pools the images its convolution wrote; a small batch stays on the calling thread.
    private void RunOverImages(int images, delegate*<int, void*, void> body)
    {
        parts = (long)images * InputShape.Size < 2 * MinimumFloatsPerPart ? 1 : ImageBlocks.Count(images);
        ImageBlocks.Run(this, parts, body);
    }

    private static void ForwardImages(int part, void* state) => ImageBlocks.InBlock<MaxPool2D>(state, part, &ForwardRange);
    private static void BackwardImages(int part, void* state) => ImageBlocks.InBlock<MaxPool2D>(state, part, &BackwardRange);

    private static void ForwardRange(MaxPool2D layer, int part)
    {
        (int first, int end) = ImageBlocks.Range(layer.batchRows, part, layer.parts);
        for (int i = first; i < end; i++) layer.ForwardImage(i);
    }

    private static void BackwardRange(MaxPool2D layer, int part)
    {
        (int first, int end) = ImageBlocks.Range(layer.batchRows, part, layer.parts);
        for (int i = first; i < end; i++) layer.BackwardImage(i);
    }

    // Any window size and stride: y = max over the window, and won = where it came from (ties go to the first).
    private static void ForwardAnyWindow(ReadOnlySpan<float> x, ConvGeometry g, Span<float> y, Span<int> won)
    {
        int k = g.Kernel, width = g.Input.Width, o = 0;
        for (int c = 0; c < g.Input.Channels; c++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++, o++)
                {
                    int corner = g.Input.IndexOf(c, oy * g.Stride, ox * g.Stride);
                    int best = corner;
                    float max = x[corner];
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            int index = corner + ky * width + kx;
                            if (x[index] > max)
                            {
                                max = x[index];
                                best = index;
                            }
                        }
                    y[o] = max;
                    won[o] = best;
                }
    }
}

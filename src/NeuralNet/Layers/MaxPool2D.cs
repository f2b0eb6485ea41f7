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
        var y = Matrix.Ensure(ref output, n, outSize);
        if (winners is null || winners.Length < n * outSize) winners = new int[n * outSize];
        batchRows = n;
        fixed (float* x = input.Data, yData = y.Data)
        fixed (int* won = winners)
            RunOverImages(new Job(this, x, yData, won, n), &ForwardImages);
        return y;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        if (batchRows < 0 || winners is null) throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        int n = batchRows, outSize = OutputShape.Size, inSize = InputShape.Size;
        if (outputGradient.Rows != n || outputGradient.Cols != outSize)
            throw new ShapeMismatchException($"{Name}: gradient must be {n}x{outSize}, got {outputGradient.Shape}.");
        var dx = Matrix.Ensure(ref inputGradient, n, inSize);
        fixed (float* dy = outputGradient.Data, dxData = dx.Data)
        fixed (int* won = winners)
            RunOverImages(new Job(this, dxData, dy, won, n), &BackwardImages);
        return dx;
    }

    // What one part of a pass needs: the layer's shapes, the image-side and pooled-side buffers, the winners.
    // A struct on the caller's stack handed to the pool by pointer, so a training step allocates nothing.
    private readonly struct Job(MaxPool2D layer, float* images, float* pooled, int* winners, int count)
    {
        public readonly ConvGeometry Geometry = layer.geometry;
        public readonly ImageShape Input = layer.InputShape, Output = layer.OutputShape;
        public readonly float* Images = images, Pooled = pooled;
        public readonly int* Winners = winners;
        public readonly int Count = count;
        public bool Is2x2 => Geometry.Kernel == 2 && Geometry.Stride == 2;
    }

    // Fewest values an image-range part touches before it is worth handing to another thread.
    private const int MinimumFloatsPerPart = 32 * 1024;

    // Splits the batch's images into one contiguous range per thread (none on a small batch).
    private static void RunOverImages(in Job job, delegate*<int, void*, void> body)
    {
        int parts = (int)Math.Clamp((long)job.Count * job.Input.Size / MinimumFloatsPerPart, 1, Math.Max(1, Math.Min(job.Count, ComputeSettings.ThreadCount)));
        fixed (Job* state = &job)
        {
            var run = new PartJob(state, parts);
            if (parts == 1) body(0, &run);
            else WorkerPool.Run(parts, body, &run);
        }
    }

    private readonly struct PartJob(Job* job, int parts)
    {
        public readonly Job* Job = job;
        public readonly int Parts = parts;
        public (int First, int End) Images(int part) =>
            ((int)((long)Job->Count * part / Parts), (int)((long)Job->Count * (part + 1) / Parts));
    }

    private static void ForwardImages(int part, void* state)
    {
        ref readonly PartJob run = ref *(PartJob*)state;
        ref readonly Job job = ref *run.Job;
        (int first, int end) = run.Images(part);
        int inSize = job.Input.Size, outSize = job.Output.Size;
        for (int i = first; i < end; i++)
        {
            var x = new ReadOnlySpan<float>(job.Images + (long)i * inSize, inSize);
            var y = new Span<float>(job.Pooled + (long)i * outSize, outSize);
            var won = new Span<int>(job.Winners + (long)i * outSize, outSize);
            if (job.Is2x2) PoolingKernels.Forward2x2(x, job.Input, y, won);   // won: the winning corner, 0..3
            else ForwardAnyWindow(x, job.Geometry, y, won);                   // won: the winner's index in x
        }
    }

    private static void BackwardImages(int part, void* state)
    {
        ref readonly PartJob run = ref *(PartJob*)state;
        ref readonly Job job = ref *run.Job;
        (int first, int end) = run.Images(part);
        int inSize = job.Input.Size, outSize = job.Output.Size;
        for (int i = first; i < end; i++)
        {
            var dx = new Span<float>(job.Images + (long)i * inSize, inSize);
            var dy = new ReadOnlySpan<float>(job.Pooled + (long)i * outSize, outSize);
            var won = new ReadOnlySpan<int>(job.Winners + (long)i * outSize, outSize);
            if (job.Is2x2)
            {
                PoolingKernels.Backward2x2(dy, won, job.Input, dx);
                continue;
            }
            dx.Clear();
            // Only the winner of each window receives its gradient (+= because overlapping windows may share one).
            for (int o = 0; o < outSize; o++) dx[won[o]] += dy[o];
        }
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

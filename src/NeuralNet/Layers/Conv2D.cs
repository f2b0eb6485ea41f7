using NeuralNet.Initialization;
using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// A 2-D convolution: F filters, each C x K x K, slide over the input with a stride and zero padding;
/// output channel f at (oy, ox) is b_f + Σ_c Σ_ky Σ_kx W[f, c, ky, kx] · X[c, oy·s + ky − p, ox·s + kx − p].
/// </summary>
/// <remarks>
/// <para>A batch is an N x (C·H·W) matrix, channel-major within a row (<see cref="ImageShape"/>), and the output
/// is N x (F·OH·OW) in the same layout, so dense layers can follow directly.</para>
/// <para>The textbook route is im2col (<see cref="Im2Col"/>) and one matrix product: with the windows unfolded
/// into a (C·K·K) x (N·P) matrix U, the convolution is Y = W·U, W being F x (C·K·K) — row f is filter f, stored
/// [c, ky, kx] like PyTorch's weight. Backward is the same three products as a dense layer: dW = dY·Uᵀ,
/// db = row sums of dY, dU = Wᵀ·dY, then col2im folds dU back onto the input. This layer takes that route for
/// strides above 1.</para>
/// <para>For stride 1 (every layer of the chapters) it computes the same sums without writing U down
/// (<see cref="DirectConvolution"/>): each image is copied once into a zero-padded buffer, and every row of U
/// is a shifted run of that buffer, read in place by the kernels for Y, dW and dX (dX being a convolution of
/// dY with the flipped filters). The batch is cut into one range of images per core.</para>
/// </remarks>
public sealed unsafe partial class Conv2D : ILayer, IInitializable
{
    private readonly ConvGeometry geometry;
    private Matrix? input;         // X from the last forward pass
    private Matrix? output;        // Y, N x (F·P)
    private Matrix? inputGradient;   // dX
    private Workspace[] workspaces = [];
    private int blocksInUse;          // blocks of the pass under way
    private Matrix? outputGradient;   // dY, during Backward
    private bool needInputGradient;
    // A ReLU fused after this layer (see ReLU.ForwardAfterConvolution): where the forward pass writes (Y, or
    // a = max(Y, 0) into the ReLU's buffer), and during Backward the a whose positive entries let dY through.
    private Matrix? forwardTarget;
    private bool rectifyOutput;
    private Matrix? rectifiedOutput;
    private Matrix? maskedGradient;   // dY ⊙ [a > 0] for the im2col route
    // The direct kernel (stride 1): its sizes for Y from X and for dX from dY, and the filters packed for it.
    private readonly DirectConvolution.Plan forwardPlan, inputGradientPlan;
    private readonly float[] packedWeights = [], flippedWeights = [], packedFlippedWeights = [];

    /// <summary>Creates the layer for inputs of shape <paramref name="input"/> and draws the filters (He by default).</summary>
    /// <param name="input">Channels x height x width of one input image.</param>
    /// <param name="filters">Number of filters F (output channels).</param>
    /// <param name="kernelSize">Side K of each square filter.</param>
    /// <param name="stride">Step between windows.</param>
    /// <param name="padding">Zeros added on each side; (K − 1) / 2 keeps the size for stride 1.</param>
    public Conv2D(ImageShape input, int filters, int kernelSize, int stride = 1, int padding = 0,
        IInitializer? initializer = null, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        geometry = new ConvGeometry(input, kernelSize, stride, padding);
        InputShape = input;
        OutputShape = new ImageShape(filters, geometry.OutputHeight, geometry.OutputWidth);
        Initializer = initializer ?? Init.He;
        Weights = new Parameter("W", filters, geometry.PatchSize);
        Bias = new Parameter("b", 1, filters, decays: false);
        Parameters = [Weights, Bias];
        if (stride == 1)
        {
            forwardPlan = new DirectConvolution.Plan(input.Channels, input.Height, input.Width, filters, kernelSize, padding);
            packedWeights = new float[forwardPlan.PackedLength];
        }
        if (stride == 1 && padding <= kernelSize - 1)
        {
            // dX = dY ⊛ (W flipped, channels swapped), dY padded by K − 1 − p: F channels in, C filters out.
            inputGradientPlan = new DirectConvolution.Plan(filters, OutputShape.Height, OutputShape.Width, input.Channels, kernelSize, kernelSize - 1 - padding);
            flippedWeights = new float[filters * geometry.PatchSize];
            packedFlippedWeights = new float[inputGradientPlan.PackedLength];
        }
        Initialize(random ?? Random.Shared);
    }

    /// <summary>Shorthand for <c>new Conv2D(new ImageShape(channels, height, width), ...)</c>.</summary>
    public Conv2D(int channels, int height, int width, int filters, int kernelSize, int stride = 1, int padding = 0,
        IInitializer? initializer = null, Random? random = null)
        : this(new ImageShape(channels, height, width), filters, kernelSize, stride, padding, initializer, random) { }

    /// <summary>Shape of one input image.</summary>
    public ImageShape InputShape { get; }

    /// <summary>Shape of one output: filters x output height x output width. Build the next layer from it.</summary>
    public ImageShape OutputShape { get; }

    /// <summary>Number of filters (output channels).</summary>
    public int Filters => OutputShape.Channels;

    /// <summary>Side length of each filter.</summary>
    public int KernelSize => geometry.Kernel;

    /// <summary>Step between windows.</summary>
    public int Stride => geometry.Stride;

    /// <summary>Zero padding on each side.</summary>
    public int Padding => geometry.Padding;

    /// <summary>How the filters are initialised (fan-in C·K·K).</summary>
    public IInitializer Initializer { get; }

    /// <summary>The filters, F x (C·K·K): row f is filter f laid out [c, ky, kx].</summary>
    public Parameter Weights { get; }

    /// <summary>One bias per filter, 1 x F.</summary>
    public Parameter Bias { get; }

    /// <inheritdoc/>
    public string Name => $"Conv2D({InputShape.Channels}→{Filters}, {KernelSize}x{KernelSize}"
        + (Stride != 1 ? $", stride {Stride}" : "") + (Padding != 0 ? $", pad {Padding}" : "") + ")";

    /// <inheritdoc/>
    public int? InputSize => InputShape.Size;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public LayerSpec Spec => LayerSpec.Of(nameof(Conv2D),
        ("channels", InputShape.Channels), ("height", InputShape.Height), ("width", InputShape.Width),
        ("filters", Filters), ("kernel", KernelSize), ("stride", Stride), ("padding", Padding));

    /// <summary>Rebuilds the layer from its model-file spec (the weights are loaded afterwards).</summary>
    public static Conv2D FromSpec(LayerSpec spec) =>
        new(new ImageShape(spec.GetInt("channels"), spec.GetInt("height"), spec.GetInt("width")),
            spec.GetInt("filters"), spec.GetInt("kernel"), spec.GetInt("stride"), spec.GetInt("padding"));

    /// <summary>Draws fresh filters with this layer's initialiser (fan-in C·K·K, fan-out F) and zeroes the biases.</summary>
    public void Initialize(Random random)
    {
        // Initialisers take fan-in x fan-out; the filters are stored the other way round.
        var w = new Matrix(geometry.PatchSize, Filters);
        Initializer.Initialize(w, random);
        for (int f = 0; f < Filters; f++)
            for (int i = 0; i < geometry.PatchSize; i++)
                Weights.Value[f, i] = w[i, f];
        Bias.Value.Clear();
    }

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) =>
        inputSize == InputShape.Size ? OutputShape.Size
            : throw new ShapeMismatchException($"{Name} expects images of {InputShape} = {InputShape.Size} values but receives {inputSize}.");

    /// <summary>
    /// For the im2col route (strides above 1, or no vector unit): how many floats the unfolded windows of one
    /// group of images may take (default 196,608: 768 KB, which stays in a core's L2 cache). The batch is processed in groups of images whose unfolded matrix fits, so
    /// that it is still in the cache when the product reads it; Backward unfolds each group again rather than
    /// keeping all of them. Measured on the chapter's CNN, one thread: 20 s per epoch with this budget,
    /// 31 s with 4 MB groups, 46 s unfolding the whole batch at once.
    /// </summary>
    public int ColumnBudget { get; init; } = 3 << 16;

    // The direct kernel needs stride 1 and vectors (on a machine without them the im2col route's product is
    // faster); the input gradient as a convolution of dY also needs padding ≤ K − 1.
    internal bool UsesDirectForward => Stride == 1 && SimdPath.Current != Isa.Scalar;
    private bool UsesDirectInputGradient => UsesDirectForward && Padding <= KernelSize - 1;

    private static void ForwardDirectBlock(int block, void* state) => ImageBlocks.InBlock<Conv2D>(state, block, &ForwardDirect);
    private static void ForwardIm2ColBlock(int block, void* state) => ImageBlocks.InBlock<Conv2D>(state, block, &ForwardIm2Col);
    private static void BackwardDirectBlock(int block, void* state) => ImageBlocks.InBlock<Conv2D>(state, block, &BackwardDirect);
    private static void BackwardIm2ColBlock(int block, void* state) => ImageBlocks.InBlock<Conv2D>(state, block, &BackwardIm2Col);

    // One block per core (ImageBlocks); every block gets its own workspace.
    private int BlockCount(int items)
    {
        int blocks = ImageBlocks.Count(items);
        if (workspaces.Length < blocks)
        {
            var grown = new Workspace[blocks];
            workspaces.CopyTo(grown, 0);
            for (int b = workspaces.Length; b < blocks; b++) grown[b] = new Workspace(Filters, geometry.PatchSize);
            workspaces = grown;
        }
        blocksInUse = blocks;
        return blocks;
    }

    // The buffers one thread needs for its images.
    private sealed class Workspace(int filters, int patchSize)
    {
        public readonly Matrix Columns = new(0, 0);         // U of one group
        public readonly Matrix Product = new(0, 0);         // Z = W·U
        public readonly Matrix OutputGradientT = new(0, 0); // dZ, F x (count·P)
        public readonly Matrix ColumnsGradient = new(0, 0); // dU
        public readonly Matrix WeightGradient = new(filters, patchSize);
        public readonly Matrix BiasGradient = new(1, filters);
        public float[]? Padded;                             // the group's zero-padded images (im2col)
        private float[]? paddedInput, paddedGradient, grid, transposedGradient, gradientT;  // the direct kernels' scratch
        private float[]? maskedGradient;                    // one image's dY ⊙ [a > 0] (a fused ReLU)

        // Zero-bordered copies for the direct kernel: of one image (forward), of one image's dY (backward).
        public Span<float> PaddedInput(DirectConvolution.Plan plan) => Scratch(ref paddedInput, plan.PaddedLength);
        public Span<float> PaddedGradient(DirectConvolution.Plan plan) => Scratch(ref paddedGradient, plan.PaddedLength);
        public Span<float> Grid(DirectConvolution.Plan plan) => Scratch(ref grid, plan.GridBufferLength);
        // dY laid out position by filter, and dWᵀ.
        public Span<float> TransposedGradient(DirectConvolution.Plan plan) => Scratch(ref transposedGradient, DirectConvolution.GradientPositions(plan) * DirectConvolution.GradientColumns(plan));
        public Span<float> GradientT(DirectConvolution.Plan plan) => Scratch(ref gradientT, DirectConvolution.GradientRows(plan) * DirectConvolution.GradientColumns(plan));

        public Span<float> MaskedGradient(int length) => Scratch(ref maskedGradient, length);

        private static Span<float> Scratch(ref float[]? buffer, int length)
        {
            if (buffer is null || buffer.Length < length) buffer = new float[length];
            return buffer.AsSpan(0, length);
        }
    }

    private int GroupSize(int batch) => Math.Clamp(ColumnBudget / (geometry.PatchSize * geometry.OutputPlane), 1, Math.Max(batch, 1));

    private int GroupCount(int batch)
    {
        int group = GroupSize(batch);
        return (batch + group - 1) / group;
    }
}

using NeuralNet.Initialization;
using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// A 2-D convolution: F filters, each C x K x K, slide over the input with a stride and zero padding;
/// output channel f at (oy, ox) is b_f + Σ_c Σ_ky Σ_kx W[f, c, ky, kx] · X[c, oy·s + ky − p, ox·s + kx − p].
/// </summary>
/// <remarks>
/// A batch is an N x (C·H·W) matrix, channel-major within a row (<see cref="ImageShape"/>), and the output is
/// N x (F·OH·OW) in the same layout, so dense layers can follow directly. The sums are computed by one named
/// kernel, <see cref="BatchConvolution"/>; its formulas as plain loops are
/// <see cref="DirectConvolution.CorrelateReference"/> (forward) and
/// <see cref="DirectConvolution.AccumulateFilterGradientReference"/> (dW).
/// </remarks>
public sealed class Conv2D : ILayer, IInitializable
{
    private Matrix? input;           // X from the last forward pass
    private Matrix? output;          // Y, N x (F·OH·OW)
    private Matrix? inputGradient;   // dX
    private BatchConvolution? convolution;

    /// <summary>Creates the layer for inputs of shape <paramref name="input"/> and draws the filters (He by default).</summary>
    /// <param name="input">Channels x height x width of one input image.</param>
    /// <param name="filters">Number of filters F (output channels).</param>
    /// <param name="kernelSize">Side K of each square filter.</param>
    /// <param name="stride">Step between windows.</param>
    /// <param name="padding">Zeros added on each side; (K − 1) / 2 keeps the size for stride 1.</param>
    /// <param name="budget">What a model loader allows the parameters to take (see <see cref="LayerSpec.Budget"/>).</param>
    public Conv2D(ImageShape input, int filters, int kernelSize, int stride = 1, int padding = 0,
        IInitializer? initializer = null, Random? random = null, ParameterBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        var geometry = new ConvGeometry(input, kernelSize, stride, padding);
        InputShape = input;
        OutputShape = new ImageShape(filters, geometry.OutputHeight, geometry.OutputWidth);
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Initializer = initializer ?? Init.He;
        Weights = new Parameter("W", filters, geometry.PatchSize, budget: budget);
        Bias = new Parameter("b", 1, filters, decays: false, budget: budget);
        Parameters = [Weights, Bias];
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
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

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
            spec.GetInt("filters"), spec.GetInt("kernel"), spec.GetInt("stride"), spec.GetInt("padding"), budget: spec.Budget);

    /// <summary>Draws fresh filters with this layer's initialiser (fan-in C·K·K, fan-out F) and zeroes the biases.</summary>
    public void Initialize(Random random)
    {
        // Initialisers take fan-in x fan-out; the filters are stored the other way round.
        int patchSize = Weights.Value.Cols;   // C·K·K
        var w = new Matrix(patchSize, Filters);
        Initializer.Initialize(w, random);
        for (int f = 0; f < Filters; f++)
            for (int i = 0; i < patchSize; i++)
                Weights.Value[f, i] = w[i, f];
        Bias.Value.Clear();
    }

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) =>
        inputSize == InputShape.Size ? OutputShape.Size
            : throw new ShapeMismatchException($"{Name} expects images of {InputShape} = {InputShape.Size} values but receives {inputSize}.");

    /// <summary>
    /// For the im2col route (strides above 1, or no vector unit): how many floats the unfolded windows of one
    /// group of images may take (default 196,608: 768 KB, which stays in a core's L2 cache). The batch is
    /// processed in groups of images whose unfolded matrix fits, so that it is still in the cache when the
    /// product reads it (measurements: tests/NeuralNet.Benchmarks/RESULTS.md).
    /// </summary>
    public int ColumnBudget { get; init; } = 3 << 16;

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        if (input.Cols != InputShape.Size)
            throw new ShapeMismatchException($"{Name} expects input batch x {InputShape.Size} ({InputShape}) but got {input.Shape}.");
        this.input = input;
        Matrix y = Matrix.Ensure(ref output, input.Rows, OutputShape.Size);
        // Y[n, f, oy, ox] = b_f + Σ_c Σ_ky Σ_kx W[f, c, ky, kx] · X[n, c, oy·s + ky − p, ox·s + kx − p]
        // (DirectConvolution.CorrelateReference is this sum as plain loops, one image at a time)
        Convolution.Forward(input, y, rectify: false);
        return y;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        Matrix x = input ?? throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        if (outputGradient.Rows != x.Rows || outputGradient.Cols != OutputShape.Size)
            throw new ShapeMismatchException($"{Name}: gradient must be {x.Rows}x{OutputShape.Size}, got {outputGradient.Shape}.");
        Matrix dx = Matrix.Ensure(ref inputGradient, needInputGradient ? x.Rows : 0, needInputGradient ? InputShape.Size : 0);
        // dW[f, c, ky, kx] = Σ_n Σ_oy Σ_ox dY[n, f, oy, ox] · X[n, c, oy·s + ky − p, ox·s + kx − p]
        //   (DirectConvolution.AccumulateFilterGradientReference: the same as plain loops)
        // db_f = Σ_n Σ_oy Σ_ox dY[n, f, oy, ox]
        // dX = dY convolved with the flipped filters (each window's gradient added back onto the pixels it covered)
        Convolution.Backward(outputGradient, dx, rectifiedOutput: null);
        return dx;
    }

    private BatchConvolution Convolution => convolution ??= new(InputShape, KernelSize, Stride, Padding, Weights, Bias, ColumnBudget);
}

using System.Numerics;
using System.Runtime.InteropServices;
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
public sealed unsafe class Conv2D : ILayer, IInitializable
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

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        if (input.Cols != InputShape.Size)
            throw new ShapeMismatchException($"{Name} expects input batch x {InputShape.Size} ({InputShape}) but got {input.Shape}.");
        this.input = input;
        int n = input.Rows;
        var y = Matrix.Ensure(ref output, n, OutputShape.Size);
        if (UsesDirectForward)
        {
            ForwardDirectInto(y, rectify: false);
            return y;
        }
        // Each thread takes whole groups of images, so the products of a group run on the thread that
        // unfolded it, while its windows are still in that core's cache.
        ImageBlocks.Run(this, BlockCount(GroupCount(n)), &ForwardIm2ColBlock);
        return y;
    }

    /// <summary>
    /// This layer then a ReLU in one pass: <paramref name="target"/> = max(W ⊛ X + b, 0), each image rectified
    /// while its output is still in the cache, on the thread that computed it (the ReLU would be a second,
    /// single-threaded sweep). The same bits as <c>relu.Forward(Forward(x))</c>; Y itself is not stored.
    /// </summary>
    internal void ForwardRectifiedInto(Matrix input, Matrix target)
    {
        if (!UsesDirectForward)
        {
            VectorKernels.ReluForward(Forward(input, training: true).Span, target.Span);
            return;
        }
        if (input.Cols != InputShape.Size)
            throw new ShapeMismatchException($"{Name} expects input batch x {InputShape.Size} ({InputShape}) but got {input.Shape}.");
        if (target.Rows != input.Rows || target.Cols != OutputShape.Size)
            throw new ShapeMismatchException($"{Name}: the rectified output must be {input.Rows}x{OutputShape.Size}, got {target.Shape}.");
        this.input = input;
        ForwardDirectInto(target, rectify: true);
    }

    // Y's buffer, kept from batch to batch.
    internal Matrix OutputBuffer(int rows) => Matrix.Ensure(ref output, rows, OutputShape.Size);

    // One range of images per core, each image convolved straight from its padded copy into target.
    private void ForwardDirectInto(Matrix target, bool rectify)
    {
        ImageBlocks.Run(this, BeginDirectForward(input!, target, rectify), &ForwardDirectBlock);
        forwardTarget = null;
    }

    // The direct forward pass in the pieces that ImageChain runs inside its own blocks (one fork for all the
    // image layers): this serial set-up (packs the filters), then ForwardImage for every image, on the thread
    // of its block. Returns the number of blocks, one range of images each (ImageBlocks).
    internal int BeginDirectForward(Matrix input, Matrix target, bool rectify)
    {
        if (input.Cols != InputShape.Size || target.Rows != input.Rows || target.Cols != OutputShape.Size)
            throw new ShapeMismatchException($"{Name} maps batch x {InputShape.Size} ({InputShape}) to batch x {OutputShape.Size}, got {input.Shape} to {target.Shape}.");
        if (!UsesDirectForward) throw new InvalidOperationException($"{Name}: the direct kernels need stride 1 and a vector unit.");
        this.input = input;
        DirectConvolution.PackFilters(Weights.Value.Span, forwardPlan, packedWeights);
        forwardTarget = target;
        rectifyOutput = rectify;
        return BlockCount(target.Rows);
    }

    // Y[i] = W ⊛ X[i] + b (rectified if asked) for image i, with the scratch of its block.
    internal void ForwardImage(int i, int block)
    {
        Workspace w = workspaces[block];
        DirectConvolution.Correlate(input!.Row(i), packedWeights, Bias.Value.Span, forwardPlan,
            w.PaddedInput(forwardPlan), w.Grid(forwardPlan), forwardTarget!.Row(i), rectifyOutput);
    }

    internal void EndDirectForward() => forwardTarget = null;

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true) =>
        Backward(outputGradient, needInputGradient, rectifiedOutput: null);

    /// <summary>
    /// The backward pass of a ReLU after this layer and of this layer in one pass: with
    /// <paramref name="rectifiedOutput"/> (the ReLU's a = max(Y, 0)), dY = <paramref name="outputGradient"/> ⊙
    /// [a &gt; 0] is formed image by image inside this layer's blocks, where the kernels read it next. The same
    /// bits as <c>Backward(relu.Backward(dA))</c>.
    /// </summary>
    internal Matrix Backward(Matrix outputGradient, bool needInputGradient, Matrix? rectifiedOutput)
    {
        BeginBackward(outputGradient, needInputGradient, rectifiedOutput);
        ImageBlocks.Run(this, blocksInUse, UsesDirectForward ? &BackwardDirectBlock : &BackwardIm2ColBlock);
        return EndBackward(blocksInUse);
    }

    // The backward pass in the pieces that ImageChain runs inside its own blocks: this serial
    // set-up (checks, the flipped filters), then per block BeginBackwardBlock, BackwardImage for each of its
    // images in order and EndBackwardBlock, then EndBackward (the direct route only; the im2col route runs
    // its groups in BackwardIm2Col). Returns dX's buffer (empty without needInputGradient).
    internal Matrix BeginBackward(Matrix outputGradient, bool needInputGradient, Matrix? rectifiedOutput)
    {
        Matrix x = input ?? throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        int n = x.Rows;
        if (outputGradient.Rows != n || outputGradient.Cols != OutputShape.Size)
            throw new ShapeMismatchException($"{Name}: gradient must be {n}x{OutputShape.Size}, got {outputGradient.Shape}.");
        if (rectifiedOutput is not null)
        {
            Matrix.RequireSameShape(outputGradient, rectifiedOutput, nameof(rectifiedOutput));
            if (!UsesDirectForward)
            {
                // The im2col route reads dY in groups of images: mask it all first.
                Matrix masked = Matrix.Ensure(ref maskedGradient, n, OutputShape.Size);
                VectorKernels.ReluBackward(rectifiedOutput.Span, outputGradient.Span, masked.Span);
                (outputGradient, rectifiedOutput) = (masked, null);
            }
        }
        this.rectifiedOutput = rectifiedOutput;
        // Without needInputGradient, dX stays an empty matrix and the blocks skip it.
        Matrix.Ensure(ref inputGradient, needInputGradient ? n : 0, needInputGradient ? InputShape.Size : 0);
        this.outputGradient = outputGradient;
        this.needInputGradient = needInputGradient;
        if (needInputGradient && UsesDirectInputGradient)
        {
            DirectConvolution.FlipForInputGradient(Weights.Value.Span, Filters, InputShape.Channels, KernelSize, flippedWeights);
            DirectConvolution.PackFilters(flippedWeights, inputGradientPlan, packedFlippedWeights);
        }
        BlockCount(UsesDirectForward ? n : GroupCount(n));
        return inputGradient!;
    }

    // After all blocks: dW and db of the batch, and dX.
    internal Matrix EndBackward(int blocks)
    {
        // Each block summed its groups' dW and db in its own workspace; add the blocks up in block order, so
        // the result does not depend on which thread ran which block.
        workspaces[0].WeightGradient.Span.CopyTo(Weights.Gradient.Span);
        workspaces[0].BiasGradient.Span.CopyTo(Bias.Gradient.Span);
        for (int b = 1; b < blocks; b++)
        {
            MatrixOps.Add(workspaces[b].WeightGradient.Span, Weights.Gradient.Span);
            MatrixOps.Add(workspaces[b].BiasGradient.Span, Bias.Gradient.Span);
        }
        this.outputGradient = null;
        this.rectifiedOutput = null;
        return inputGradient!;
    }

    // The direct kernel needs stride 1 and vectors (on a machine without them the im2col route's product is
    // faster); the input gradient as a convolution of dY also needs padding ≤ K − 1.
    internal bool UsesDirectForward => Stride == 1 && SimdPath.Current != Isa.Scalar;
    private bool UsesDirectInputGradient => UsesDirectForward && Padding <= KernelSize - 1;

    private static void ForwardDirectBlock(int block, void* state) => ImageBlocks.InBlock<Conv2D>(state, block, &ForwardDirect);
    private static void ForwardIm2ColBlock(int block, void* state) => ImageBlocks.InBlock<Conv2D>(state, block, &ForwardIm2Col);
    private static void BackwardDirectBlock(int block, void* state) => ImageBlocks.InBlock<Conv2D>(state, block, &BackwardDirect);
    private static void BackwardIm2ColBlock(int block, void* state) => ImageBlocks.InBlock<Conv2D>(state, block, &BackwardIm2Col);

    // Y[i] = W ⊛ X[i] + b for the images of one block, by the direct kernel.
    private static void ForwardDirect(Conv2D layer, int block)
    {
        (int first, int end) = ImageBlocks.Range(layer.input!.Rows, block, layer.blocksInUse);
        for (int i = first; i < end; i++) layer.ForwardImage(i, block);
    }

    // The same by im2col, a group of images at a time: U = im2col(X), Z = W·U, Y = Z + b.
    private static void ForwardIm2Col(Conv2D layer, int block)
    {
        Matrix x = layer.input!, y = layer.output!;
        Workspace w = layer.workspaces[block];
        int group = layer.GroupSize(x.Rows), positions = layer.geometry.OutputPlane;
        (int g0, int g1) = ImageBlocks.Range(layer.GroupCount(x.Rows), block, layer.blocksInUse);
        for (int g = g0; g < g1; g++)
        {
            int first = g * group, count = Math.Min(group, x.Rows - first);
            Im2Col.UnfoldReusing(x, first, count, layer.geometry, w.Columns, ref w.Padded); // U = im2col(X), (C·K·K) x (count·P)
            w.Product.Reshape(layer.Filters, count * positions);
            Gemm.Multiply(layer.Weights.Value, w.Columns, w.Product);                           // Z = W·U, F x (count·P)
            layer.ScatterWithBias(w.Product, first, count, y);                                  // Y[n, f, p] = Z[f, n·P + p] + b_f
        }
    }

    // dW, db (summed in this block's workspace) and dX for the images of one block, by the direct kernels.
    private static void BackwardDirect(Conv2D layer, int block)
    {
        layer.BeginBackwardBlock(block);
        (int first, int end) = ImageBlocks.Range(layer.input!.Rows, block, layer.blocksInUse);
        for (int i = first; i < end; i++) layer.BackwardImage(i, block);
        layer.EndBackwardBlock(block);
    }

    // A block's sums of dWᵀ and db start from zero.
    internal void BeginBackwardBlock(int block)
    {
        Workspace w = workspaces[block];
        w.GradientT(forwardPlan).Clear();
        w.BiasGradient.Clear();
    }

    // Image i's share of dW and db (added to its block's sums) and its dX row, by the direct kernels.
    internal void BackwardImage(int i, int block)
    {
        Workspace w = workspaces[block];
        DirectConvolution.Plan plan = forwardPlan;
        int positions = geometry.OutputPlane;
        ReadOnlySpan<float> dyRow = outputGradient!.Row(i);
        Span<float> db = w.BiasGradient.Span;
        if (rectifiedOutput is not null)
        {
            // A fused ReLU: dY = dA ⊙ [a > 0] for this image, into the block's scratch, and db_f += Σ over
            // positions of dY[i, f, ·] in the same pass, while each filter's plane is still in registers.
            Span<float> masked = w.MaskedGradient(dyRow.Length);
            ReadOnlySpan<float> a = rectifiedOutput.Row(i);
            for (int f = 0; f < Filters; f++)
            {
                int start = f * positions;
                db[f] += MaskAndSum(a.Slice(start, positions), dyRow.Slice(start, positions), masked.Slice(start, positions));
            }
            dyRow = masked;
        }
        else
        {
            // db_f += Σ over positions of dY[i, f, ·]
            for (int f = 0; f < Filters; f++) db[f] += Sum(dyRow.Slice(f * positions, positions));
        }
        // dWᵀ += the image's filter gradient
        DirectConvolution.AccumulateFilterGradient(input!.Row(i), dyRow, plan, w.PaddedInput(plan), w.TransposedGradient(plan), w.GradientT(plan));
        if (!needInputGradient) return;
        // dX = dY ⊛ flipped Wᵀ, padded by K − 1 − p: a stride-1 convolution again (see DirectConvolution).
        if (UsesDirectInputGradient)
            DirectConvolution.Correlate(dyRow, packedFlippedWeights, default, inputGradientPlan,
                w.PaddedGradient(inputGradientPlan), w.Grid(inputGradientPlan), inputGradient!.Row(i));
        else
            InputGradientByIm2Col(w, dyRow, i, inputGradient!);
    }

    // The block's dW, from the transposed sums the kernel keeps.
    internal void EndBackwardBlock(int block)
    {
        Workspace w = workspaces[block];
        int taps = forwardPlan.Taps, columns = DirectConvolution.GradientColumns(forwardPlan);
        Span<float> gradientT = w.GradientT(forwardPlan), dw = w.WeightGradient.Span;
        for (int f = 0; f < Filters; f++)
            for (int r = 0; r < taps; r++) dw[f * taps + r] = gradientT[r * columns + f];
    }

    // dU = Wᵀ·dZ for image i (dZ being its dY, channel-major, so one image needs no rearranging), then col2im
    // adds each window's gradient back onto the pixels it covered.
    private void InputGradientByIm2Col(Workspace w, ReadOnlySpan<float> dy, int i, Matrix dx)
    {
        w.OutputGradientT.Reshape(Filters, geometry.OutputPlane);
        dy.CopyTo(w.OutputGradientT.Span);
        w.ColumnsGradient.Reshape(geometry.PatchSize, geometry.OutputPlane);
        Gemm.MultiplyTransposeA(Weights.Value, w.OutputGradientT, w.ColumnsGradient);
        Im2Col.Fold(w.ColumnsGradient, i, 1, geometry, dx);
    }

    // dW, db (summed in this block's workspace) and dX for the groups of images of one block, by im2col.
    private static void BackwardIm2Col(Conv2D layer, int block)
    {
        Matrix x = layer.input!, dy = layer.outputGradient!, dx = layer.inputGradient!;
        Workspace w = layer.workspaces[block];
        int n = x.Rows, group = layer.GroupSize(n), positions = layer.geometry.OutputPlane, filters = layer.Filters;
        w.BiasGradient.Clear();
        (int g0, int g1) = ImageBlocks.Range(layer.GroupCount(n), block, layer.blocksInUse);
        for (int g = g0; g < g1; g++)
        {
            int first = g * group, count = Math.Min(group, n - first);
            Im2Col.UnfoldReusing(x, first, count, layer.geometry, w.Columns, ref w.Padded);
            w.OutputGradientT.Reshape(filters, count * positions);
            layer.Gather(dy, first, count, w.OutputGradientT);
            Span<float> db = w.BiasGradient.Span;
            // db_f += Σ over images and positions of dZ[f, ·]
            for (int f = 0; f < filters; f++) db[f] += Sum(w.OutputGradientT.Row(f));
            // dW += dZ·Uᵀ   (the mean over the batch is already in dZ)
            Gemm.MultiplyTransposeB(w.OutputGradientT, w.Columns, w.WeightGradient, accumulate: g > g0);
            if (!layer.needInputGradient) continue;
            // dU = Wᵀ·dZ, then col2im adds each window's gradient back onto the pixels it covered
            w.ColumnsGradient.Reshape(layer.geometry.PatchSize, count * positions);
            Gemm.MultiplyTransposeA(layer.Weights.Value, w.OutputGradientT, w.ColumnsGradient);
            Im2Col.Fold(w.ColumnsGradient, first, count, layer.geometry, dx);
        }
    }

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

    // Y[first + i, f, p] = Z[f, i·P + p] + b_f for the images of one group.
    private void ScatterWithBias(Matrix z, int first, int count, Matrix y)
    {
        int positions = geometry.OutputPlane;
        for (int i = 0; i < count; i++)
            for (int f = 0; f < Filters; f++)
                AddScalar(z.Span.Slice(f * z.Cols + i * positions, positions), Bias.Value.Span[f], y.Row(first + i).Slice(f * positions, positions));
    }

    // dZ[f, i·P + p] = dY[first + i, f, p]: the inverse rearrangement, so the products see channel-major rows.
    private void Gather(Matrix dy, int first, int count, Matrix dz)
    {
        int positions = geometry.OutputPlane;
        for (int i = 0; i < count; i++)
            for (int f = 0; f < Filters; f++)
                dy.Row(first + i).Slice(f * positions, positions).CopyTo(dz.Span.Slice(f * dz.Cols + i * positions, positions));
    }

    private static void AddScalar(ReadOnlySpan<float> x, float value, Span<float> y)
    {
        ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        Span<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        var v = new Vector<float>(value);
        for (int i = 0; i < xv.Length; i++) yv[i] = xv[i] + v;
        for (int i = xv.Length * Vector<float>.Count; i < x.Length; i++) y[i] = x[i] + value;
    }

    // dZ = dA ⊙ [a > 0] (as VectorKernels.ReluBackward) and Σ dZ, in one pass. The sum adds the same values in
    // the same order as Sum(dZ) would, so the bits do not depend on which path ran.
    private static float MaskAndSum(ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        ReadOnlySpan<Vector<float>> av = MemoryMarshal.Cast<float, Vector<float>>(a);
        ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(dA);
        Span<Vector<float>> zv = MemoryMarshal.Cast<float, Vector<float>>(dZ);
        Vector<float> sums = Vector<float>.Zero;
        for (int i = 0; i < av.Length; i++)
        {
            Vector<float> z = Vector.BitwiseAnd(gv[i], Vector.AsVectorSingle(Vector.GreaterThan(av[i], Vector<float>.Zero)));
            zv[i] = z;
            sums += z;
        }
        float sum = Vector.Sum(sums);
        for (int i = av.Length * Vector<float>.Count; i < a.Length; i++)
        {
            dZ[i] = a[i] > 0f ? dA[i] : 0f;
            sum += dZ[i];
        }
        return sum;
    }

    private static float Sum(ReadOnlySpan<float> x)
    {
        ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        Vector<float> sums = Vector<float>.Zero;
        for (int i = 0; i < xv.Length; i++) sums += xv[i];
        float sum = Vector.Sum(sums);
        for (int i = xv.Length * Vector<float>.Count; i < x.Length; i++) sum += x[i];
        return sum;
    }
}

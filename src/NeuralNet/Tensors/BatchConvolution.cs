using System.Numerics;
using System.Runtime.InteropServices;
using NeuralNet.Layers;

namespace NeuralNet.Tensors;

/// <summary>
/// The fast convolution of a batch, forward and backward, for one set of filters (a <see cref="Conv2D"/>'s
/// <see cref="Conv2D.Weights"/> and <see cref="Conv2D.Bias"/>): Y = W ⊛ X + b; dW = Σ_n dY[n] ⋆ X[n],
/// db_f = Σ dY[·, f, ·], dX = dY ⊛ flipped W. Read <see cref="DirectConvolution.CorrelateReference"/> and
/// <see cref="DirectConvolution.AccumulateFilterGradientReference"/> first: they are the formulas, loop for loop.
/// </summary>
/// <remarks>
/// <para>For stride 1 it runs the direct kernels (<see cref="DirectConvolution"/>): each image is copied once into a
/// zero-padded buffer and every window is read in place. Otherwise im2col (<see cref="Im2Col"/>) and matrix
/// products, a group of images at a time.</para>
/// <para>The batch is cut into one range of images per core (<see cref="ImageBlocks"/>), each with its own scratch
/// (a workspace). The filter gradient is summed per block in image order, then block after block: the same bits
/// on any number of threads. A pass also comes in pieces (Begin…, per image, End…) so that the execution
/// engine can run several image layers inside one fork.</para>
/// </remarks>
internal sealed unsafe class BatchConvolution
{
    private readonly ConvGeometry geometry;
    private readonly Parameter weights, bias;
    private readonly int filters;
    private readonly int columnBudget;
    // The direct kernel (stride 1): its sizes for Y from X and for dX from dY, and the filters packed for it.
    private readonly DirectConvolution.Plan forwardPlan, inputGradientPlan;
    private readonly float[] packedWeights = [], flippedWeights = [], packedFlippedWeights = [];
    private Workspace[] workspaces = [];
    private int blocksInUse;          // blocks of the pass under way
    private Matrix? input;            // X from the last forward pass
    private Matrix? forwardTarget;    // where the forward pass under way writes Y (or max(Y, 0))
    private bool rectifyOutput;
    private Matrix? unrectified;      // Y before the ReLU, for the im2col route
    private Matrix? outputGradient;   // dY, during Backward
    private Matrix? rectifiedOutput;  // a = max(Y, 0) of a fused ReLU, during Backward
    private Matrix? maskedGradient;   // dY ⊙ [a > 0] for the im2col route
    private Matrix? inputGradient;    // dX, during Backward (empty when not needed)
    private bool needInputGradient;

    /// <summary>The convolution of images of <paramref name="input"/> with <paramref name="weights"/> (F x C·K·K) and <paramref name="bias"/> (1 x F).</summary>
    /// <param name="columnBudget">For the im2col route: how many floats the unfolded windows of one group of images may take.</param>
    public BatchConvolution(ImageShape input, int kernelSize, int stride, int padding, Parameter weights, Parameter bias, int columnBudget)
    {
        geometry = new ConvGeometry(input, kernelSize, stride, padding);
        this.weights = weights;
        this.bias = bias;
        filters = weights.Value.Rows;
        this.columnBudget = columnBudget;
        if (stride == 1)
        {
            forwardPlan = new DirectConvolution.Plan(input.Channels, input.Height, input.Width, filters, kernelSize, padding);
            packedWeights = new float[forwardPlan.PackedLength];
        }
        if (stride == 1 && padding <= kernelSize - 1)
        {
            // dX = dY ⊛ (W flipped, channels swapped), dY padded by K − 1 − p: F channels in, C filters out.
            inputGradientPlan = new DirectConvolution.Plan(filters, geometry.OutputHeight, geometry.OutputWidth, input.Channels, kernelSize, kernelSize - 1 - padding);
            flippedWeights = new float[filters * geometry.PatchSize];
            packedFlippedWeights = new float[inputGradientPlan.PackedLength];
        }
    }

    private int OutputSize => filters * geometry.OutputPlane;

    /// <summary>
    /// Whether the direct kernels run (stride 1 and a vector unit; on a machine without vectors the im2col route's
    /// product is faster). Only then does a pass come in per-image pieces.
    /// </summary>
    public bool UsesDirectForward => geometry.Stride == 1 && SimdPath.Current != Isa.Scalar;

    // The input gradient as a convolution of dY also needs padding ≤ K − 1.
    private bool UsesDirectInputGradient => UsesDirectForward && geometry.Padding <= geometry.Kernel - 1;

    // ---- forward: Y = W ⊛ X + b ----

    /// <summary>
    /// Y = W ⊛ X + b into <paramref name="target"/> (N x F·OH·OW), or max(Y, 0) with <paramref name="rectify"/> (a ReLU
    /// after the convolution, applied to each image on the thread that computed it: the same bits).
    /// </summary>
    public void Forward(Matrix x, Matrix target, bool rectify)
    {
        if (UsesDirectForward)
        {
            ImageBlocks.Run(this, BeginForward(x, target, rectify), &ForwardDirectBlock);
            EndForward();
            return;
        }
        RequireForwardShapes(x, target);
        input = x;
        Matrix y = rectify ? Matrix.Ensure(ref unrectified, x.Rows, OutputSize) : target;
        forwardTarget = y;
        // Each thread takes whole groups of images, so the products of a group run on the thread that
        // unfolded it, while its windows are still in that core's cache.
        ImageBlocks.Run(this, BlockCount(GroupCount(x.Rows)), &ForwardIm2ColBlock);
        forwardTarget = null;
        if (rectify) VectorKernels.ReluForward(y.Span, target.Span);
    }

    /// <summary>
    /// The direct forward pass, first piece: packs the filters and returns the number of blocks; then
    /// <see cref="ForwardImage"/> for every image on the thread of its block, then <see cref="EndForward"/>.
    /// </summary>
    public int BeginForward(Matrix x, Matrix target, bool rectify)
    {
        RequireForwardShapes(x, target);
        if (!UsesDirectForward) throw new InvalidOperationException("The direct convolution needs stride 1 and a vector unit.");
        input = x;
        DirectConvolution.PackFilters(weights.Value.Span, forwardPlan, packedWeights);
        forwardTarget = target;
        rectifyOutput = rectify;
        return BlockCount(target.Rows);
    }

    /// <summary>Y[i] = W ⊛ X[i] + b (rectified if asked) for image i, with the scratch of its block.</summary>
    public void ForwardImage(int i, int block)
    {
        Workspace w = workspaces[block];
        DirectConvolution.Correlate(input!.Row(i), packedWeights, bias.Value.Span, forwardPlan,
            w.PaddedInput(forwardPlan), w.Grid(forwardPlan), forwardTarget!.Row(i), rectifyOutput);
    }

    /// <summary>Ends a forward pass begun with <see cref="BeginForward"/>.</summary>
    public void EndForward() => forwardTarget = null;

    private void RequireForwardShapes(Matrix x, Matrix target)
    {
        if (x.Cols != geometry.Input.Size || target.Rows != x.Rows || target.Cols != OutputSize)
            throw new ShapeMismatchException($"The convolution maps batch x {geometry.Input.Size} ({geometry.Input}) to batch x {OutputSize}, got {x.Shape} to {target.Shape}.");
    }

    private static void ForwardDirectBlock(int block, void* state) => ImageBlocks.CallWithOwner<BatchConvolution>(state, block, &ForwardDirect);
    private static void ForwardIm2ColBlock(int block, void* state) => ImageBlocks.CallWithOwner<BatchConvolution>(state, block, &ForwardIm2Col);

    // Y[i] = W ⊛ X[i] + b for the images of one block, by the direct kernel.
    private static void ForwardDirect(BatchConvolution c, int block)
    {
        (int first, int end) = ImageBlocks.Range(c.input!.Rows, block, c.blocksInUse);
        for (int i = first; i < end; i++) c.ForwardImage(i, block);
    }

    // The same by im2col, a group of images at a time: U = im2col(X), Z = W·U, Y = Z + b.
    private static void ForwardIm2Col(BatchConvolution c, int block)
    {
        Matrix x = c.input!, y = c.forwardTarget!;
        Workspace w = c.workspaces[block];
        int group = c.GroupSize(x.Rows), positions = c.geometry.OutputPlane;
        (int g0, int g1) = ImageBlocks.Range(c.GroupCount(x.Rows), block, c.blocksInUse);
        for (int g = g0; g < g1; g++)
        {
            int first = g * group, count = Math.Min(group, x.Rows - first);
            Im2Col.UnfoldReusing(x, first, count, c.geometry, w.Columns, ref w.Padded); // U = im2col(X), (C·K·K) x (count·P)
            w.Product.Reshape(c.filters, count * positions);
            Gemm.Multiply(c.weights.Value, w.Columns, w.Product);                           // Z = W·U, F x (count·P)
            c.ScatterWithBias(w.Product, first, count, y);                                  // Y[n, f, p] = Z[f, n·P + p] + b_f
        }
    }

    // Y[first + i, f, p] = Z[f, i·P + p] + b_f for the images of one group.
    private void ScatterWithBias(Matrix z, int first, int count, Matrix y)
    {
        int positions = geometry.OutputPlane;
        for (int i = 0; i < count; i++)
            for (int f = 0; f < filters; f++)
                AddScalar(z.Span.Slice(f * z.Cols + i * positions, positions), bias.Value.Span[f], y.Row(first + i).Slice(f * positions, positions));
    }

    private static void AddScalar(ReadOnlySpan<float> x, float value, Span<float> y)
    {
        ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        Span<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        var v = new Vector<float>(value);
        for (int i = 0; i < xv.Length; i++) yv[i] = xv[i] + v;
        for (int i = xv.Length * Vector<float>.Count; i < x.Length; i++) y[i] = x[i] + value;
    }

    // ---- backward: dW = Σ_n dY[n] ⋆ X[n], db_f = Σ dY[·, f, ·], dX = dY ⊛ flipped W ----

    /// <summary>
    /// Fills the gradients of the weights and bias and, when <paramref name="dx"/> is not empty, dX. With
    /// <paramref name="rectifiedOutput"/> (a = max(Y, 0) of a ReLU after the convolution), dY =
    /// <paramref name="outputGradient"/> ⊙ [a &gt; 0] is formed image by image inside the blocks: the same bits as
    /// the ReLU's own backward pass first.
    /// </summary>
    public void Backward(Matrix outputGradient, Matrix dx, Matrix? rectifiedOutput)
    {
        BeginBackward(outputGradient, dx, rectifiedOutput);
        ImageBlocks.Run(this, blocksInUse, UsesDirectForward ? &BackwardDirectBlock : &BackwardIm2ColBlock);
        EndBackward();
    }

    /// <summary>
    /// The backward pass, first piece (checks, the flipped filters); returns the number of blocks. Then per block
    /// <see cref="BeginBackwardBlock"/>, <see cref="BackwardImage"/> for each of its images in order and
    /// <see cref="EndBackwardBlock"/> (the direct route only), then <see cref="EndBackward"/>.
    /// </summary>
    public int BeginBackward(Matrix outputGradient, Matrix dx, Matrix? rectifiedOutput)
    {
        Matrix x = input ?? throw new InvalidOperationException("The convolution's Backward was called before Forward.");
        int n = x.Rows;
        if (outputGradient.Rows != n || outputGradient.Cols != OutputSize)
            throw new ShapeMismatchException($"The convolution's gradient must be {n}x{OutputSize}, got {outputGradient.Shape}.");
        if (rectifiedOutput is not null)
        {
            Matrix.RequireSameShape(outputGradient, rectifiedOutput, nameof(rectifiedOutput));
            if (!UsesDirectForward)
            {
                // The im2col route reads dY in groups of images: mask it all first.
                Matrix masked = Matrix.Ensure(ref maskedGradient, n, OutputSize);
                VectorKernels.ReluBackward(rectifiedOutput.Span, outputGradient.Span, masked.Span);
                (outputGradient, rectifiedOutput) = (masked, null);
            }
        }
        this.rectifiedOutput = rectifiedOutput;
        this.outputGradient = outputGradient;
        needInputGradient = dx.Length > 0;
        if (needInputGradient && (dx.Rows != n || dx.Cols != geometry.Input.Size))
            throw new ShapeMismatchException($"The convolution's input gradient must be {n}x{geometry.Input.Size}, got {dx.Shape}.");
        inputGradient = dx;
        if (needInputGradient && UsesDirectInputGradient)
        {
            DirectConvolution.FlipForInputGradient(weights.Value.Span, filters, geometry.Input.Channels, geometry.Kernel, flippedWeights);
            DirectConvolution.PackFilters(flippedWeights, inputGradientPlan, packedFlippedWeights);
        }
        return BlockCount(UsesDirectForward ? n : GroupCount(n));
    }

    /// <summary>After all blocks: dW and db of the batch.</summary>
    public void EndBackward()
    {
        // Each block summed its images' dW and db in its own workspace; add the blocks up in block order, so
        // the result does not depend on which thread ran which block.
        workspaces[0].WeightGradient.Span.CopyTo(weights.Gradient.Span);
        workspaces[0].BiasGradient.Span.CopyTo(bias.Gradient.Span);
        for (int b = 1; b < blocksInUse; b++)
        {
            MatrixOps.Add(workspaces[b].WeightGradient.Span, weights.Gradient.Span);
            MatrixOps.Add(workspaces[b].BiasGradient.Span, bias.Gradient.Span);
        }
        outputGradient = null;
        rectifiedOutput = null;
        inputGradient = null;
    }

    private static void BackwardDirectBlock(int block, void* state) => ImageBlocks.CallWithOwner<BatchConvolution>(state, block, &BackwardDirect);
    private static void BackwardIm2ColBlock(int block, void* state) => ImageBlocks.CallWithOwner<BatchConvolution>(state, block, &BackwardIm2Col);

    // dW, db (summed in this block's workspace) and dX for the images of one block, by the direct kernels.
    private static void BackwardDirect(BatchConvolution c, int block)
    {
        c.BeginBackwardBlock(block);
        (int first, int end) = ImageBlocks.Range(c.input!.Rows, block, c.blocksInUse);
        for (int i = first; i < end; i++) c.BackwardImage(i, block);
        c.EndBackwardBlock(block);
    }

    /// <summary>A block's sums of dWᵀ and db start from zero.</summary>
    public void BeginBackwardBlock(int block)
    {
        Workspace w = workspaces[block];
        w.GradientT(forwardPlan).Clear();
        w.BiasGradient.Clear();
    }

    /// <summary>Image i's share of dW and db (added to its block's sums) and its dX row, by the direct kernels.</summary>
    public void BackwardImage(int i, int block)
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
            for (int f = 0; f < filters; f++)
            {
                int start = f * positions;
                db[f] += MaskAndSum(a.Slice(start, positions), dyRow.Slice(start, positions), masked.Slice(start, positions));
            }
            dyRow = masked;
        }
        else
        {
            // db_f += Σ over positions of dY[i, f, ·]
            for (int f = 0; f < filters; f++) db[f] += Sum(dyRow.Slice(f * positions, positions));
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

    /// <summary>The block's dW, from the transposed sums the kernel keeps.</summary>
    public void EndBackwardBlock(int block)
    {
        Workspace w = workspaces[block];
        int taps = forwardPlan.Taps, columns = DirectConvolution.GradientColumns(forwardPlan);
        Span<float> gradientT = w.GradientT(forwardPlan), dw = w.WeightGradient.Span;
        for (int f = 0; f < filters; f++)
            for (int r = 0; r < taps; r++) dw[f * taps + r] = gradientT[r * columns + f];
    }

    // dU = Wᵀ·dZ for image i (dZ being its dY, channel-major, so one image needs no rearranging), then col2im
    // adds each window's gradient back onto the pixels it covered.
    private void InputGradientByIm2Col(Workspace w, ReadOnlySpan<float> dy, int i, Matrix dx)
    {
        w.OutputGradientT.Reshape(filters, geometry.OutputPlane);
        dy.CopyTo(w.OutputGradientT.Span);
        w.ColumnsGradient.Reshape(geometry.PatchSize, geometry.OutputPlane);
        Gemm.MultiplyTransposeA(weights.Value, w.OutputGradientT, w.ColumnsGradient);
        Im2Col.Fold(w.ColumnsGradient, i, 1, geometry, dx);
    }

    // dW, db (summed in this block's workspace) and dX for the groups of images of one block, by im2col.
    private static void BackwardIm2Col(BatchConvolution c, int block)
    {
        Matrix x = c.input!, dy = c.outputGradient!, dx = c.inputGradient!;
        Workspace w = c.workspaces[block];
        int n = x.Rows, group = c.GroupSize(n), positions = c.geometry.OutputPlane, filters = c.filters;
        w.BiasGradient.Clear();
        (int g0, int g1) = ImageBlocks.Range(c.GroupCount(n), block, c.blocksInUse);
        for (int g = g0; g < g1; g++)
        {
            int first = g * group, count = Math.Min(group, n - first);
            Im2Col.UnfoldReusing(x, first, count, c.geometry, w.Columns, ref w.Padded);
            w.OutputGradientT.Reshape(filters, count * positions);
            c.Gather(dy, first, count, w.OutputGradientT);
            Span<float> db = w.BiasGradient.Span;
            // db_f += Σ over images and positions of dZ[f, ·]
            for (int f = 0; f < filters; f++) db[f] += Sum(w.OutputGradientT.Row(f));
            // dW += dZ·Uᵀ   (the mean over the batch is already in dZ)
            Gemm.MultiplyTransposeB(w.OutputGradientT, w.Columns, w.WeightGradient, accumulate: g > g0);
            if (!c.needInputGradient) continue;
            // dU = Wᵀ·dZ, then col2im adds each window's gradient back onto the pixels it covered
            w.ColumnsGradient.Reshape(c.geometry.PatchSize, count * positions);
            Gemm.MultiplyTransposeA(c.weights.Value, w.OutputGradientT, w.ColumnsGradient);
            Im2Col.Fold(w.ColumnsGradient, first, count, c.geometry, dx);
        }
    }

    // dZ[f, i·P + p] = dY[first + i, f, p]: the inverse rearrangement, so the products see channel-major rows.
    private void Gather(Matrix dy, int first, int count, Matrix dz)
    {
        int positions = geometry.OutputPlane;
        for (int i = 0; i < count; i++)
            for (int f = 0; f < filters; f++)
                dy.Row(first + i).Slice(f * positions, positions).CopyTo(dz.Span.Slice(f * dz.Cols + i * positions, positions));
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

    // ---- blocks and their scratch ----

    // One block per core (ImageBlocks); every block gets its own workspace.
    private int BlockCount(int items)
    {
        int blocks = ImageBlocks.Count(items);
        if (workspaces.Length < blocks)
        {
            var grown = new Workspace[blocks];
            workspaces.CopyTo(grown, 0);
            for (int b = workspaces.Length; b < blocks; b++) grown[b] = new Workspace(filters, geometry.PatchSize);
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

    private int GroupSize(int batch) => Math.Clamp(columnBudget / (geometry.PatchSize * geometry.OutputPlane), 1, Math.Max(batch, 1));

    private int GroupCount(int batch)
    {
        int group = GroupSize(batch);
        return (batch + group - 1) / group;
    }
}

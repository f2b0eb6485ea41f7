using System.Numerics;
using System.Runtime.InteropServices;
using NeuralNet.Tensors;

namespace NeuralNet.Layers;

// Conv2D's backward pass: dW, db and dX (with a fused ReLU's mask), by the direct kernels or im2col.
public sealed unsafe partial class Conv2D
{
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

    // dZ[f, i·P + p] = dY[first + i, f, p]: the inverse rearrangement, so the products see channel-major rows.
    private void Gather(Matrix dy, int first, int count, Matrix dz)
    {
        int positions = geometry.OutputPlane;
        for (int i = 0; i < count; i++)
            for (int f = 0; f < Filters; f++)
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
}

using System.Numerics;
using System.Runtime.InteropServices;
using NeuralNet.Tensors;

namespace NeuralNet.Layers;

// Conv2D's forward pass: Y = W ⊛ X + b (rectified when a ReLU is fused after it), by the direct kernel or im2col.
public sealed unsafe partial class Conv2D
{
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

    // Y[first + i, f, p] = Z[f, i·P + p] + b_f for the images of one group.
    private void ScatterWithBias(Matrix z, int first, int count, Matrix y)
    {
        int positions = geometry.OutputPlane;
        for (int i = 0; i < count; i++)
            for (int f = 0; f < Filters; f++)
                AddScalar(z.Span.Slice(f * z.Cols + i * positions, positions), Bias.Value.Span[f], y.Row(first + i).Slice(f * positions, positions));
    }

    private static void AddScalar(ReadOnlySpan<float> x, float value, Span<float> y)
    {
        ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
        Span<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
        var v = new Vector<float>(value);
        for (int i = 0; i < xv.Length; i++) yv[i] = xv[i] + v;
        for (int i = xv.Length * Vector<float>.Count; i < x.Length; i++) y[i] = x[i] + value;
    }
}

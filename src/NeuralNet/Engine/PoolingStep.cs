using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>
/// A <see cref="MaxPool2D"/> layer run over the image ranges of the convolutions (<see cref="ImageBlocks"/>), so
/// every core pools the images its convolution wrote; alone or inside an <see cref="ImageChainStep"/>.
/// Pooling only copies values, so the bits are the layer's own.
/// </summary>
internal sealed unsafe class PoolingStep(MaxPool2D pool) : PlanStep
{
    // Fewest values an image-range part touches before it is worth handing to another thread.
    private const int MinimumFloatsPerPart = 32 * 1024;

    private readonly ConvGeometry geometry = new(pool.InputShape, pool.Size, pool.Stride, padding: 0);
    private int[]? winners;            // for each output value, who won its window (PoolingKernels.MaxPool)
    private Matrix? input, output, inputGradient;
    private Matrix? outputGradient;    // dY, during Backward
    private int rows = -1;             // of the last forward pass
    private int parts;                 // image ranges of the pass under way

    /// <inheritdoc/>
    public override int LayerCount => 1;

    /// <inheritdoc/>
    public override Matrix Forward(Matrix x, bool training)
    {
        Matrix y = BeginForward(x);
        RunOverImages(x.Rows, &ForwardImages);
        return y;
    }

    /// <inheritdoc/>
    public override Matrix Backward(Matrix outputGradient, bool needInputGradient)
    {
        Matrix dx = BeginBackward(outputGradient);
        RunOverImages(rows, &BackwardImages);
        this.outputGradient = null;
        return dx;
    }

    /// <summary>Checks and buffers for a forward pass; returns its output. Then <see cref="ForwardImage"/> per image.</summary>
    public Matrix BeginForward(Matrix x)
    {
        if (x.Cols != pool.InputShape.Size)
            throw new ShapeMismatchException($"{pool.Name} expects input batch x {pool.InputShape.Size} ({pool.InputShape}) but got {x.Shape}.");
        int n = x.Rows, outSize = pool.OutputShape.Size;
        Matrix y = Matrix.Ensure(ref output, n, outSize);
        if (winners is null || winners.Length < n * outSize) winners = new int[n * outSize];
        rows = n;
        input = x;
        return y;
    }

    /// <summary>y[i] = the window maxima of image i, and who won each window.</summary>
    public void ForwardImage(int i)
    {
        int outSize = pool.OutputShape.Size;
        PoolingKernels.MaxPool(input!.Row(i), geometry, output!.Row(i), winners.AsSpan(i * outSize, outSize));
    }

    /// <summary>Checks and buffers for a backward pass; returns dX's buffer. Then <see cref="BackwardImage"/> per image.</summary>
    public Matrix BeginBackward(Matrix dy)
    {
        if (rows < 0 || winners is null) throw new InvalidOperationException($"{pool.Name}: Backward called before Forward.");
        int outSize = pool.OutputShape.Size;
        if (dy.Rows != rows || dy.Cols != outSize)
            throw new ShapeMismatchException($"{pool.Name}: gradient must be {rows}x{outSize}, got {dy.Shape}.");
        outputGradient = dy;
        return Matrix.Ensure(ref inputGradient, rows, pool.InputShape.Size);
    }

    /// <summary>dx[i] = image i's window gradients, each sent back to the pixel that won its window.</summary>
    public void BackwardImage(int i)
    {
        int outSize = pool.OutputShape.Size;
        PoolingKernels.MaxPoolBackward(outputGradient!.Row(i), winners.AsSpan(i * outSize, outSize), geometry, inputGradient!.Row(i));
    }

    // One part per image range (ImageBlocks); a small batch stays on the calling thread.
    private void RunOverImages(int images, delegate*<int, void*, void> body)
    {
        parts = (long)images * pool.InputShape.Size < 2 * MinimumFloatsPerPart ? 1 : ImageBlocks.Count(images);
        ImageBlocks.Run(this, parts, body);
    }

    private static void ForwardImages(int part, void* state) => ImageBlocks.CallWithOwner<PoolingStep>(state, part, &ForwardRange);
    private static void BackwardImages(int part, void* state) => ImageBlocks.CallWithOwner<PoolingStep>(state, part, &BackwardRange);

    private static void ForwardRange(PoolingStep step, int part)
    {
        (int first, int end) = ImageBlocks.Range(step.rows, part, step.parts);
        for (int i = first; i < end; i++) step.ForwardImage(i);
    }

    private static void BackwardRange(PoolingStep step, int part)
    {
        (int first, int end) = ImageBlocks.Range(step.rows, part, step.parts);
        for (int i = first; i < end; i++) step.BackwardImage(i);
    }
}

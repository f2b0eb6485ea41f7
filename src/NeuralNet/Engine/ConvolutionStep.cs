using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>
/// A <see cref="Conv2D"/> layer, and the <see cref="ReLU"/> after it if there is one: each image rectified by the
/// thread that convolved it, and in the backward pass dY = dA ⊙ [a &gt; 0] formed image by image inside the
/// convolution's blocks (<see cref="BatchConvolution"/>). The same bits as the layers one by one.
/// </summary>
internal sealed class ConvolutionStep(Conv2D conv, bool rectify) : PlanStep
{
    private readonly BatchConvolution convolution =
        new(conv.InputShape, conv.KernelSize, conv.Stride, conv.Padding, conv.Weights, conv.Bias, conv.ColumnBudget);
    private Matrix? output;          // Y, or a = max(Y, 0)
    private Matrix? inputGradient;   // dX
    private int rows = -1;           // of the last forward pass

    /// <inheritdoc/>
    public override int LayerCount => rectify ? 2 : 1;

    /// <summary>Whether the direct kernels run now, so that the pass can be cut into images (<see cref="ImageChainStep"/>).</summary>
    public bool RunsImageByImage => convolution.UsesDirectForward;

    /// <inheritdoc/>
    public override Matrix Forward(Matrix x, bool training)
    {
        Matrix target = Output(x);
        convolution.Forward(x, target, rectify);   // Y = W ⊛ X + b, or a = max(Y, 0)
        return target;
    }

    /// <inheritdoc/>
    public override Matrix Backward(Matrix outputGradient, bool needInputGradient)
    {
        Matrix dx = InputGradient(outputGradient, needInputGradient);
        convolution.Backward(outputGradient, dx, rectify ? output : null);   // dW, db and dX (dY ⊙ [a > 0] first)
        return dx;
    }

    // ---- the same passes in pieces, for ImageChainStep ----

    /// <summary>Sets up the forward pass over <paramref name="x"/> and returns its output buffer; then <see cref="ForwardImage"/> per image.</summary>
    public Matrix BeginForward(Matrix x)
    {
        Matrix target = Output(x);
        convolution.BeginForward(x, target, rectify);
        return target;
    }

    /// <summary>Image i of the forward pass, with the scratch of its block.</summary>
    public void ForwardImage(int i, int block) => convolution.ForwardImage(i, block);

    /// <summary>Ends the forward pass.</summary>
    public void EndForward() => convolution.EndForward();

    /// <summary>Sets up the backward pass and returns dX's buffer (empty without <paramref name="needInputGradient"/>).</summary>
    public Matrix BeginBackward(Matrix outputGradient, bool needInputGradient)
    {
        Matrix dx = InputGradient(outputGradient, needInputGradient);
        convolution.BeginBackward(outputGradient, dx, rectify ? output : null);
        return dx;
    }

    /// <summary>Starts a block's gradient sums.</summary>
    public void BeginBackwardBlock(int block) => convolution.BeginBackwardBlock(block);

    /// <summary>Image i of the backward pass.</summary>
    public void BackwardImage(int i, int block) => convolution.BackwardImage(i, block);

    /// <summary>Ends a block's gradient sums.</summary>
    public void EndBackwardBlock(int block) => convolution.EndBackwardBlock(block);

    /// <summary>Adds the blocks' gradients into the layer's parameters.</summary>
    public void EndBackward() => convolution.EndBackward();

    private Matrix Output(Matrix x)
    {
        if (x.Cols != conv.InputShape.Size)
            throw new ShapeMismatchException($"{conv.Name} expects input batch x {conv.InputShape.Size} ({conv.InputShape}) but got {x.Shape}.");
        rows = x.Rows;
        return Matrix.Ensure(ref output, x.Rows, conv.OutputShape.Size);
    }

    private Matrix InputGradient(Matrix outputGradient, bool needInputGradient)
    {
        if (rows < 0) throw new InvalidOperationException($"{conv.Name}: Backward called before Forward.");
        if (outputGradient.Rows != rows || outputGradient.Cols != conv.OutputShape.Size)
            throw new ShapeMismatchException($"{conv.Name}: gradient must be {rows}x{conv.OutputShape.Size}, got {outputGradient.Shape}.");
        return Matrix.Ensure(ref inputGradient, needInputGradient ? rows : 0, needInputGradient ? conv.InputShape.Size : 0);
    }
}

using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>Rectified linear unit: a = max(0, z); f'(z) = 1 if z &gt; 0 else 0.</summary>
public sealed class ReLU : ActivationLayer
{
    /// <inheritdoc/>
    public override string Name => "ReLU";

    /// <summary>Rebuilds the layer from its model-file spec (it has no settings).</summary>
    public static ReLU FromSpec(LayerSpec spec) => new();

    /// <summary>
    /// <paramref name="linear"/> then this ReLU in one pass: a = max(X·W + b, 0), each tile rectified by the
    /// matrix product while still in registers (no second sweep over the batch, and with several threads each
    /// thread rectifies the rows it computed). The same bits as <c>Forward(linear.Forward(x))</c>.
    /// z itself is never stored: the backward pass needs only where z &gt; 0, which is exactly where a &gt; 0.
    /// </summary>
    internal Matrix ForwardAfter(Linear linear, Matrix x)
    {
        Matrix a = OutputBuffer(x.Rows, linear.Outputs);
        linear.ForwardInto(x, a, relu: true);
        RememberInput(a); // a > 0 exactly where z > 0 (and a is NaN where z is)
        return a;
    }

    /// <summary>
    /// The backward pass of <paramref name="next"/> (the Linear layer after this ReLU) and of this ReLU in one
    /// pass: dZ = (dY·Wᵀ) ⊙ [z &gt; 0], the derivative applied to each tile of the product while it is in
    /// registers. The same bits as <c>Backward(next.Backward(dY))</c>.
    /// </summary>
    internal Matrix BackwardThrough(Linear next, Matrix outputGradient) =>
        next.Backward(outputGradient, needInputGradient: true, reluInput: RememberedInput);

    /// <summary>
    /// <paramref name="conv"/> then this ReLU in one pass: a = max(W ⊛ X + b, 0), each image rectified by the
    /// convolution's own thread as it copies its output out (no second, single-threaded sweep over the batch).
    /// The same bits as <c>Forward(conv.Forward(x))</c>; as with Linear, z is not stored (a &gt; 0 exactly where z &gt; 0).
    /// </summary>
    internal Matrix ForwardAfterConvolution(Conv2D conv, Matrix x)
    {
        Matrix a = RectifiedOutputBuffer(x.Rows, conv.OutputShape.Size);
        conv.ForwardRectifiedInto(x, a);
        return a;
    }

    /// <summary>
    /// Where a convolution fused with this ReLU writes a = max(Y, 0) (see <see cref="ImageChain"/>), recorded
    /// for the backward pass: a &gt; 0 exactly where Y &gt; 0.
    /// </summary>
    internal Matrix RectifiedOutputBuffer(int rows, int cols)
    {
        Matrix a = OutputBuffer(rows, cols);
        RememberInput(a);
        return a;
    }

    /// <summary>The a of the last forward pass, whose positive entries let the gradient through.</summary>
    internal Matrix RectifiedOutput => RememberedInput;

    /// <summary>
    /// The backward pass of this ReLU and of <paramref name="previous"/> (the Conv2D before it) in one pass: the
    /// derivative is applied image by image inside the convolution's blocks. The same bits as
    /// <c>previous.Backward(Backward(dA))</c>.
    /// </summary>
    internal Matrix BackwardIntoConvolution(Conv2D previous, Matrix outputGradient, bool needInputGradient) =>
        previous.Backward(outputGradient, needInputGradient, rectifiedOutput: RectifiedOutput);

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        // for each i: a[i] = z[i] < 0 ? 0 : z[i]   (VectorKernels.ReluForwardScalar), 16 at a time
        VectorKernels.ReluForward(z, a);
    }

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        // for each i: dZ[i] = z[i] > 0 ? dA[i] : 0   (VectorKernels.ReluBackwardScalar), 16 at a time
        VectorKernels.ReluBackward(z, dA, dZ);
    }
}

using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>Rectified linear unit: a = max(0, z); f'(z) = 1 if z &gt; 0 else 0.</summary>
public sealed class ReLU : ActivationLayer
{
    /// <inheritdoc/>
    public override string Name => "ReLU";

    /// <summary>Rebuilds the layer from its model-file spec (it has no settings).</summary>
    public static ReLU FromSpec(LayerSpec spec) => new();

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        // for each i: a[i] = z[i] < 0 ? 0 : z[i]   (VectorKernels.ReluForwardScalar), a vector at a time
        VectorKernels.ReluForward(z, a);
    }

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        // for each i: dZ[i] = z[i] > 0 ? dA[i] : 0   (VectorKernels.ReluBackwardScalar), a vector at a time
        VectorKernels.ReluBackward(z, dA, dZ);
    }
}

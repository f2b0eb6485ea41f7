using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>Hyperbolic tangent: a = tanh(z); f'(z) = 1 − a².</summary>
public sealed class Tanh : ActivationLayer
{
    /// <inheritdoc/>
    public override string Name => "Tanh";

    /// <summary>Rebuilds the layer from its model-file spec (it has no settings).</summary>
    public static Tanh FromSpec(LayerSpec spec) => new();

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = MathF.Tanh(z[i]);
    }

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        // for each i: dZ[i] = dA[i] · (1 − a[i]²)   (VectorKernels.TanhBackwardScalar), vectorised
        VectorKernels.TanhBackward(a, dA, dZ);
    }
}

using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>Logistic sigmoid: a = 1 / (1 + e^(−z)); f'(z) = a·(1 − a).</summary>
public sealed class Sigmoid : ActivationLayer
{
    /// <inheritdoc/>
    public override string Name => "Sigmoid";

    /// <summary>Rebuilds the layer from its model-file spec (it has no settings).</summary>
    public static Sigmoid FromSpec(LayerSpec spec) => new();

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = 1f / (1f + MathF.Exp(-z[i]));
    }

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        // for each i: dZ[i] = dA[i] · a[i] · (1 − a[i])   (VectorKernels.SigmoidBackwardScalar), vectorised
        VectorKernels.SigmoidBackward(a, dA, dZ);
    }
}

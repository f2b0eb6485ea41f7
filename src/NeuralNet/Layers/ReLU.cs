namespace NeuralNet.Layers;

/// <summary>Rectified linear unit: a = max(0, z); f'(z) = 1 if z &gt; 0 else 0.</summary>
public sealed class ReLU : ActivationLayer
{
    /// <inheritdoc/>
    public override string Name => "ReLU";

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < z.Length; i++) a[i] = MathF.Max(z[i], 0f);
    }

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        for (int i = 0; i < z.Length; i++) dZ[i] = z[i] > 0f ? dA[i] : 0f;
    }
}

namespace NeuralNet.Layers;

/// <summary>
/// Gaussian error linear unit in its tanh form (Hendrycks &amp; Gimpel, 2016):
/// a = ½·z·(1 + tanh(u)), u = √(2/π)·(z + 0.044715·z³). A smooth ReLU: it lets small negative values
/// through a little and has a gradient everywhere.
/// </summary>
public sealed class GELU : ActivationLayer
{
    private const float Root2OverPi = 0.7978845608f;
    private const float Cubic = 0.044715f;

    /// <inheritdoc/>
    public override string Name => "GELU";

    /// <summary>Rebuilds the layer from its model-file spec (it has no settings).</summary>
    public static GELU FromSpec(LayerSpec spec) => new();

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        for (int i = 0; i < z.Length; i++)
        {
            float x = z[i];
            a[i] = 0.5f * x * (1f + MathF.Tanh(Root2OverPi * (x + Cubic * x * x * x)));
        }
    }

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        // f'(z) = ½(1 + tanh u) + ½·z·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·z²)
        for (int i = 0; i < z.Length; i++)
        {
            float x = z[i];
            float t = MathF.Tanh(Root2OverPi * (x + Cubic * x * x * x));
            float derivative = 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * Root2OverPi * (1f + 3f * Cubic * x * x);
            dZ[i] = dA[i] * derivative;
        }
    }
}

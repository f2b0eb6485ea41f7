using System.Globalization;

namespace NeuralNet.Layers;

/// <summary>
/// Leaky ReLU: a = z for z &gt; 0, else α·z (α = 0.01 by default); f'(z) = 1 or α. Unlike ReLU a unit that
/// is pushed negative still gets a small gradient, so it cannot "die".
/// </summary>
public sealed class LeakyReLU : ActivationLayer
{
    /// <summary>Creates the activation with the usual slope α = 0.01 (what <c>--activation leakyrelu</c> builds).</summary>
    public LeakyReLU() : this(0.01) { }

    /// <summary>Creates the activation with slope <paramref name="slope"/> for negative inputs.</summary>
    public LeakyReLU(double slope)
    {
        if (slope is < 0 or >= 1 || double.IsNaN(slope))
            throw new ArgumentOutOfRangeException(nameof(slope), slope, "The negative slope must be in [0, 1).");
        Slope = slope;
    }

    /// <summary>α, the slope for negative inputs.</summary>
    public double Slope { get; }

    /// <inheritdoc/>
    public override string Name => $"LeakyReLU({Slope.ToString("0.####", CultureInfo.InvariantCulture)})";

    /// <summary>The slope is part of the architecture, so the model file stores it.</summary>
    public override LayerSpec Spec => LayerSpec.Of(nameof(LeakyReLU), ("slope", Slope));

    /// <summary>Rebuilds the layer from its model-file spec.</summary>
    public static LeakyReLU FromSpec(LayerSpec spec) => new(spec.GetDouble("slope"));

    /// <inheritdoc/>
    protected override void Activate(ReadOnlySpan<float> z, Span<float> a)
    {
        float alpha = (float)Slope;
        for (int i = 0; i < z.Length; i++) a[i] = z[i] > 0f ? z[i] : alpha * z[i];
    }

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
    {
        float alpha = (float)Slope;
        for (int i = 0; i < z.Length; i++) dZ[i] = z[i] > 0f ? dA[i] : alpha * dA[i];
    }
}

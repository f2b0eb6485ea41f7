using NeuralNet.Tensors;

namespace NeuralNet.Initialization;

/// <summary>Normalized Xavier (Glorot) initialisation: w ~ U(−r, r) with r = √(6 / (fan_in + fan_out)).</summary>
/// <remarks>
/// The variance of U(−r, r) is r²/3 = 2 / (fan_in + fan_out): a compromise between keeping the forward
/// signal's variance (1/fan_in) and the backward gradient's (1/fan_out) for symmetric activations
/// (Glorot &amp; Bengio, 2010).
/// </remarks>
public sealed class XavierUniform : IInitializer
{
    /// <inheritdoc/>
    public string Name => "Xavier";

    /// <inheritdoc/>
    public void Initialize(Matrix weights, Random random)
    {
        double limit = Math.Sqrt(6.0 / (weights.Rows + weights.Cols));
        Span<float> values = weights.Span;
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)((random.NextDouble() * 2.0 - 1.0) * limit);
    }
}

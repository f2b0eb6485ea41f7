using NeuralNet.Tensors;

namespace NeuralNet.Initialization;

/// <summary>w ~ N(0, std²) with a fixed standard deviation, ignoring the layer's size.</summary>
public sealed class FixedNormal(double standardDeviation) : IInitializer
{
    /// <inheritdoc/>
    public string Name => $"Normal(σ={standardDeviation})";

    /// <inheritdoc/>
    public void Initialize(Matrix weights, Random random) => Gaussian.Fill(weights.Span, standardDeviation, random);
}

using NeuralNet.Tensors;

namespace NeuralNet.Initialization;

/// <summary>He normal initialisation: w ~ N(0, 2 / fan_in).</summary>
/// <remarks>
/// A ReLU zeroes half its inputs on average, halving the variance of what passes through; doubling
/// the weights' variance (2 instead of 1, over fan_in) makes up for it, so activations neither shrink
/// nor grow with depth (He et al., 2015).
/// </remarks>
public sealed class HeNormal : IInitializer
{
    /// <inheritdoc/>
    public string Name => "He";

    /// <inheritdoc/>
    public void Initialize(Matrix weights, Random random)
    {
        double standardDeviation = Math.Sqrt(2.0 / weights.Rows);
        Gaussian.Fill(weights.Span, standardDeviation, random);
    }
}

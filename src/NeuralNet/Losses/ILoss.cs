using NeuralNet.Tensors;

namespace NeuralNet.Losses;

/// <summary>
/// Scores a batch of network outputs against the true class labels and gives the gradient that starts
/// backpropagation.
/// </summary>
public interface ILoss
{
    /// <summary>A short name such as <c>SoftmaxCrossEntropy</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Returns the mean loss over the batch and writes ∂L/∂output into <paramref name="gradient"/>
    /// (same shape as <paramref name="output"/>; the 1/batch of the mean is already in it).
    /// </summary>
    float Compute(Matrix output, ReadOnlySpan<int> labels, Matrix gradient);
}

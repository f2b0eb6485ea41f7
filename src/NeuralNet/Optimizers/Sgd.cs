using NeuralNet.Layers;

namespace NeuralNet.Optimizers;

/// <summary>Plain stochastic gradient descent: w ← w − η·∂L/∂w.</summary>
public sealed class Sgd(double learningRate = 0.1) : Optimizer(learningRate)
{
    /// <inheritdoc/>
    public override string Name => "SGD";

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        float eta = (float)LearningRate;
        Span<float> w = parameter.Value.Span;
        ReadOnlySpan<float> g = parameter.Gradient.Span;
        for (int i = 0; i < w.Length; i++) w[i] -= eta * g[i];
    }
}

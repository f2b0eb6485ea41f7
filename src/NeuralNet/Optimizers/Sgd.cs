using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>Plain stochastic gradient descent: w ← w − η·∂L/∂w.</summary>
public sealed class Sgd(double learningRate = 0.1) : Optimizer(learningRate)
{
    /// <inheritdoc/>
    public override string Name => "SGD";

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        // for each i: w[i] −= η·g[i]   (as w += (−η)·g, vectorised)
        VectorKernels.AddScaled(parameter.Gradient.Span, -(float)LearningRate, parameter.Value.Span);
    }
}

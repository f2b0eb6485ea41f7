using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>Plain stochastic gradient descent: w ← w − η·∂L/∂w.</summary>
public sealed class Sgd(double learningRate = Sgd.DefaultRate) : Optimizer(learningRate)
{
    /// <summary>The learning rate when none is given: 0.1.</summary>
    public const double DefaultRate = 0.1;

    /// <summary>Builds the optimiser that <see cref="Optimizer.Create"/> names <c>sgd</c>.</summary>
    public static Sgd FromSettings(OptimizerSettings settings) =>
        new(settings.LearningRate ?? DefaultRate) { WeightDecay = settings.WeightDecay, GradientClipNorm = settings.GradientClipNorm };

    /// <inheritdoc/>
    public override string Name => "SGD";

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        // for each i: w[i] −= η·g[i]   (as w += (−η)·g, vectorised)
        VectorKernels.AddScaled(parameter.Gradient.Span, -(float)LearningRate, parameter.Value.Span);
    }
}

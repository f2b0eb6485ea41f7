using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, 2019): Adam with <em>decoupled</em> weight decay. Instead of adding λ·w to
/// the gradient (where Adam's per-weight scaling would shrink the decay of weights with large gradients),
/// each step first shrinks the weights directly, w ← w − η·λ·w, then takes the Adam step.
/// </summary>
/// <remarks>
/// Parameters whose layer created them with <see cref="Parameter.Decays"/> false (biases, batch-normalisation
/// scales and shifts) are not decayed. The base class's L2 <see cref="Optimizer.WeightDecay"/>
/// still works but is normally left at 0.
/// </remarks>
public sealed class AdamW(double learningRate = Adam.DefaultRate, double decoupledWeightDecay = 1e-2,
    double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : Adam(learningRate, beta1, beta2, epsilon)
{
    /// <summary>
    /// Builds the optimiser that <see cref="Optimizer.Create"/> names <c>adamw</c>: the weight decay of the
    /// settings is decoupled (the same λ shrinks the weights directly each step), not added to the gradient.
    /// </summary>
    public static new AdamW FromSettings(OptimizerSettings settings) =>
        new(settings.LearningRate ?? DefaultRate, decoupledWeightDecay: settings.WeightDecay) { GradientClipNorm = settings.GradientClipNorm };

    /// <summary>λ, the decoupled decay rate: each step multiplies decayed weights by (1 − η·λ).</summary>
    public double DecoupledWeightDecay { get; } = decoupledWeightDecay;

    /// <inheritdoc/>
    public override string Name => "AdamW";

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        // w ← w·(1 − ηλ), then the Adam step, which does not depend on w: together
        // w ← w·(1 − ηλ) − η·m̂ / (√v̂ + ε).
        if (parameter.Decays && DecoupledWeightDecay > 0)
            VectorKernels.Scale(parameter.Value.Span, (float)(1 - LearningRate * DecoupledWeightDecay));
        base.Update(parameter);
    }
}

using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>
/// SGD with momentum: a velocity accumulates past gradients, v ← μ·v + ∂L/∂w, and the step follows it,
/// w ← w − η·v. Consistent directions speed up; zig-zags cancel out.
/// </summary>
public sealed class Momentum(double learningRate = Momentum.DefaultRate, double momentum = 0.9) : Optimizer(learningRate)
{
    /// <summary>The learning rate when none is given: 0.05.</summary>
    public const double DefaultRate = 0.05;

    /// <summary>Builds the optimiser that <see cref="Optimizer.Create"/> names <c>momentum</c>.</summary>
    public static Momentum FromSettings(OptimizerSettings settings) =>
        new(settings.LearningRate ?? DefaultRate) { WeightDecay = settings.WeightDecay, GradientClipNorm = settings.GradientClipNorm };

    private readonly Dictionary<Parameter, float[]> velocities = new(ReferenceEqualityComparer.Instance);

    /// <summary>μ, the fraction of the previous velocity kept each step.</summary>
    public double Coefficient { get; } = momentum;

    /// <inheritdoc/>
    public override string Name => "Momentum";

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        if (!velocities.TryGetValue(parameter, out float[]? v))
            velocities[parameter] = v = new float[parameter.Value.Length];
        float eta = (float)LearningRate, mu = (float)Coefficient;
        // for each i: v[i] = μ·v[i] + g[i];  w[i] −= η·v[i]   (VectorKernels.MomentumScalar), vectorised
        VectorKernels.Momentum(parameter.Value.Span, parameter.Gradient.Span, v.AsSpan(0, parameter.Value.Length), eta, mu);
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        velocities.Clear();
    }
}

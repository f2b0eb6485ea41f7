using NeuralNet.Layers;

namespace NeuralNet.Optimizers;

/// <summary>
/// SGD with momentum: a velocity accumulates past gradients, v ← μ·v + ∂L/∂w, and the step follows it,
/// w ← w − η·v. Consistent directions speed up; zig-zags cancel out.
/// </summary>
public sealed class Momentum(double learningRate = 0.05, double momentum = 0.9) : Optimizer(learningRate)
{
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
        Span<float> w = parameter.Value.Span;
        ReadOnlySpan<float> g = parameter.Gradient.Span;
        for (int i = 0; i < w.Length; i++)
        {
            v[i] = mu * v[i] + g[i];
            w[i] -= eta * v[i];
        }
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        velocities.Clear();
    }
}

using NeuralNet.Layers;

namespace NeuralNet.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, 2019): Adam with <em>decoupled</em> weight decay. Instead of adding λ·w to
/// the gradient (where Adam's per-weight scaling would shrink the decay of weights with large gradients),
/// each step first shrinks the weights directly, w ← w − η·λ·w, then takes the Adam step.
/// </summary>
/// <remarks>
/// Biases (parameters named <c>b</c>) and batch-normalisation scales and shifts (<c>gamma</c>, <c>beta</c>)
/// are not decayed. The base class's L2 <see cref="Optimizer.WeightDecay"/> still works but is normally left at 0.
/// </remarks>
public sealed class AdamW(double learningRate = 1e-3, double decoupledWeightDecay = 1e-2,
    double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : Optimizer(learningRate)
{
    private readonly Dictionary<Parameter, (float[] M, float[] V)> moments = new(ReferenceEqualityComparer.Instance);

    /// <summary>λ, the decoupled decay rate: each step multiplies decayed weights by (1 − η·λ).</summary>
    public double DecoupledWeightDecay { get; } = decoupledWeightDecay;

    /// <summary>β₁, decay of the gradient's running mean.</summary>
    public double Beta1 { get; } = beta1;

    /// <summary>β₂, decay of the squared gradient's running mean.</summary>
    public double Beta2 { get; } = beta2;

    /// <summary>ε, keeps the division finite.</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override string Name => "AdamW";

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        if (!moments.TryGetValue(parameter, out var state))
            moments[parameter] = state = (new float[parameter.Value.Length], new float[parameter.Value.Length]);
        var (m, v) = state;

        double correction1 = 1 - Math.Pow(Beta1, StepCount);
        double correction2 = 1 - Math.Pow(Beta2, StepCount);
        float step = (float)(LearningRate * Math.Sqrt(correction2) / correction1);
        float epsilonHat = (float)(Epsilon * Math.Sqrt(correction2));
        float b1 = (float)Beta1, b2 = (float)Beta2;
        bool decays = parameter.Decays;
        float shrink = decays ? (float)(1 - LearningRate * DecoupledWeightDecay) : 1f;

        Span<float> w = parameter.Value.Span;
        ReadOnlySpan<float> g = parameter.Gradient.Span;
        for (int i = 0; i < w.Length; i++)
        {
            m[i] = b1 * m[i] + (1f - b1) * g[i];
            v[i] = b2 * v[i] + (1f - b2) * g[i] * g[i];
            // w ← w·(1 − ηλ) − η·m̂ / (√v̂ + ε)
            w[i] = w[i] * shrink - step * m[i] / (MathF.Sqrt(v[i]) + epsilonHat);
        }
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        moments.Clear();
    }
}

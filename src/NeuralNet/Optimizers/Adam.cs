using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015): running means of the gradient (m) and of its square (v), bias-corrected,
/// give each weight its own step size:
/// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η·m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
/// </summary>
public class Adam(double learningRate = Adam.DefaultRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    : Optimizer(learningRate)
{
    /// <summary>The learning rate when none is given: 0.001.</summary>
    public const double DefaultRate = 1e-3;

    /// <summary>Builds the optimiser that <see cref="Optimizer.Create"/> names <c>adam</c>.</summary>
    public static Adam FromSettings(OptimizerSettings settings) =>
        new(settings.LearningRate ?? DefaultRate) { WeightDecay = settings.WeightDecay, GradientClipNorm = settings.GradientClipNorm };

    private readonly Dictionary<Parameter, (float[] M, float[] V)> moments = new(ReferenceEqualityComparer.Instance);

    /// <summary>β₁, decay of the gradient's running mean.</summary>
    public double Beta1 { get; } = beta1;

    /// <summary>β₂, decay of the squared gradient's running mean.</summary>
    public double Beta2 { get; } = beta2;

    /// <summary>ε, keeps the division finite.</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override string Name => "Adam";

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        if (!moments.TryGetValue(parameter, out (float[] M, float[] V) state))
            moments[parameter] = state = (new float[parameter.Value.Length], new float[parameter.Value.Length]);
        (float[]? m, float[]? v) = state;

        // Fold the bias corrections into the step size, η·√(1−β₂ᵗ)/(1−β₁ᵗ), and ε̂ = ε·√(1−β₂ᵗ); every
        // coefficient is computed in double and rounded to float once.
        var coefficients = AdamCoefficients.ForStep(LearningRate, Beta1, Beta2, Epsilon, StepCount);

        // One vectorised pass over the tensor (VectorKernels.AdamScalar is the same loop, one weight at a time):
        //   m = β₁m + (1−β₁)g;  v = β₂v + (1−β₂)g²;  w −= step·m / (√v + ε̂)
        VectorKernels.Adam(parameter.Value.Span, parameter.Gradient.Span, m.AsSpan(0, parameter.Value.Length),
            v.AsSpan(0, parameter.Value.Length), coefficients);
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        moments.Clear();
    }
}

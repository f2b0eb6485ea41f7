using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>
/// Updates parameters from their gradients. The base class handles what every optimiser shares:
/// L2 weight decay (adds λ·w to each gradient) and clipping the gradients' global norm.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Creates an optimiser with the given step size.</summary>
    protected Optimizer(double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        LearningRate = learningRate;
    }

    /// <summary>The step size η. May be changed between steps (a schedule does this).</summary>
    public double LearningRate { get; set; }

    /// <summary>L2 weight decay λ: each gradient gets λ·w added, pulling weights toward zero. 0 turns it off.</summary>
    public double WeightDecay { get; init; }

    /// <summary>If set, gradients are scaled down together whenever their global L2 norm exceeds this value.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>A short name such as <c>Adam</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The global L2 norm of all gradients before clipping, measured in the last <see cref="Step"/>.</summary>
    public double LastGradientNorm { get; private set; }

    /// <summary>Applies one update to every parameter, using the gradients the last backward pass left.</summary>
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        if (WeightDecay > 0) AddWeightDecay(parameters);
        LastGradientNorm = GlobalNorm(parameters);
        if (GradientClipNorm is double limit && LastGradientNorm > limit)
        {
            float scale = (float)(limit / LastGradientNorm);
            for (int i = 0; i < parameters.Count; i++)
                VectorKernels.Scale(parameters[i].Gradient.Span, scale);
        }
        StepCount++;
        for (int i = 0; i < parameters.Count; i++)
            Update(parameters[i]);
    }

    /// <summary>How many steps have been taken (Adam's bias correction needs it).</summary>
    protected int StepCount { get; private set; }

    /// <summary>Updates one parameter in place from its (decayed, clipped) gradient.</summary>
    protected abstract void Update(Parameter parameter);

    /// <summary>Forgets all per-parameter state (velocities, moments) and the step count.</summary>
    public virtual void Reset() => StepCount = 0;

    private void AddWeightDecay(IReadOnlyList<Parameter> parameters)
    {
        float lambda = (float)WeightDecay;
        for (int i = 0; i < parameters.Count; i++) // a for loop: foreach over an interface allocates an enumerator
        {
            Parameter p = parameters[i];
            if (!p.Decays) continue;
            VectorKernels.AddScaled(p.Value.Span, lambda, p.Gradient.Span); // g += λ·w
        }
    }

    private static double GlobalNorm(IReadOnlyList<Parameter> parameters)
    {
        double sum = 0;
        for (int i = 0; i < parameters.Count; i++) sum += MatrixOps.SumOfSquares(parameters[i].Gradient.Span);
        return Math.Sqrt(sum);
    }

    /// <summary>Creates an optimiser by name (<c>sgd</c>, <c>momentum</c>, <c>adam</c>) with the given learning rate.</summary>
    public static Optimizer Create(string name, double learningRate, double weightDecay = 0, double? gradientClipNorm = null) =>
        name.ToLowerInvariant() switch
        {
            "sgd" => new Sgd(learningRate) { WeightDecay = weightDecay, GradientClipNorm = gradientClipNorm },
            "momentum" => new Momentum(learningRate) { WeightDecay = weightDecay, GradientClipNorm = gradientClipNorm },
            "adam" => new Adam(learningRate) { WeightDecay = weightDecay, GradientClipNorm = gradientClipNorm },
            // For AdamW the decay is decoupled: the same λ shrinks the weights directly each step.
            "adamw" => new AdamW(learningRate, decoupledWeightDecay: weightDecay) { GradientClipNorm = gradientClipNorm },
            _ => throw new ArgumentException($"Unknown optimiser '{name}': expected sgd, momentum, adam or adamw.", nameof(name)),
        };

    /// <summary>A sensible learning rate for each optimiser (Adam 0.001, Momentum 0.05, SGD 0.1).</summary>
    public static double DefaultLearningRate(string name) => name.ToLowerInvariant() switch
    {
        "adam" or "adamw" => 1e-3,
        "momentum" => 0.05,
        _ => 0.1,
    };
}

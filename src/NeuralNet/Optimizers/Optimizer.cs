using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Optimizers;

/// <summary>
/// Updates parameters from their gradients. The base class handles what every optimiser shares:
/// clipping the gradients' global norm, and L2 weight decay (adds λ·w to each gradient), in that order.
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

    /// <summary>
    /// L2 weight decay λ: each gradient gets λ·w added, pulling weights toward zero. 0 turns it off. Only
    /// parameters with <see cref="Parameter.Decays"/> get it, and it is added after clipping (see <see cref="Step"/>).
    /// </summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// If set, the loss gradients are scaled down together whenever their global L2 norm exceeds this value.
    /// The weight-decay term is added afterwards and is never clipped (see <see cref="Step"/>).
    /// </summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>A short name such as <c>Adam</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The global L2 norm of the loss gradients in the last <see cref="Step"/>, before clipping and without
    /// the weight-decay term.
    /// </summary>
    /// <remarks>
    /// Only clipping needs it before the update. Without clipping or weight decay the step leaves the gradients
    /// as they were, so the norm is computed the first time it is read (a pass over every gradient, about a fifth
    /// of an MLP step's optimiser time, saved when nobody asks): read it before the next backward pass
    /// overwrites them.
    /// </remarks>
    public double LastGradientNorm => lastGradientNorm ??= normPending is { } parameters ? GlobalNorm(parameters) : 0.0;

    private double? lastGradientNorm;
    private IReadOnlyList<Parameter>? normPending; // the last step's parameters, when its norm is not yet computed

    /// <summary>
    /// Applies one update to every parameter, using the gradients the last backward pass left. The order is
    /// PyTorch's usual one (<c>clip_grad_norm_</c>, then <c>optimizer.step()</c> with <c>weight_decay</c>):
    /// first the loss gradients are clipped to <see cref="GradientClipNorm"/>, then λ·w is added for
    /// <see cref="WeightDecay"/>, then the optimiser's own update runs. The gradients are left modified.
    /// </summary>
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        (lastGradientNorm, normPending) = (null, parameters);
        if (GradientClipNorm is not null || WeightDecay > 0) _ = LastGradientNorm; // before the gradients change
        if (GradientClipNorm is double limit && LastGradientNorm > limit)
        {
            float scale = (float)(limit / LastGradientNorm);
            for (int i = 0; i < parameters.Count; i++)
                VectorKernels.Scale(parameters[i].Gradient.Span, scale);
        }
        if (WeightDecay > 0) AddWeightDecay(parameters);
        StepCount++;
        for (int i = 0; i < parameters.Count; i++)
            Update(parameters[i]);
    }

    /// <summary>How many steps have been taken (Adam's bias correction needs it).</summary>
    protected int StepCount { get; private set; }

    /// <summary>Updates one parameter in place from its (clipped, then decayed) gradient.</summary>
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

    private static readonly Dictionary<string, Func<OptimizerSettings, Optimizer>> factories =
        Discovery.Factories<Optimizer, OptimizerSettings>("FromSettings", StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The names <see cref="Create"/> accepts, lower case and sorted (<c>adam</c>, <c>adamw</c>, <c>momentum</c>,
    /// <c>sgd</c>): every optimiser class of the library that declares
    /// <c>public static FromSettings(OptimizerSettings)</c>, under its class name.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } = [.. factories.Keys.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal)];

    /// <summary>Creates an optimiser by name, ignoring case (see <see cref="Names"/>); a null learning rate takes the optimiser's default.</summary>
    /// <exception cref="ArgumentException">No optimiser has that name; the message lists the names.</exception>
    public static Optimizer Create(string name, double? learningRate = null, double weightDecay = 0, double? gradientClipNorm = null) =>
        factories.TryGetValue(name, out Func<OptimizerSettings, Optimizer>? factory)
            ? factory(new OptimizerSettings(learningRate, weightDecay, gradientClipNorm))
            : throw new ArgumentException($"Unknown optimiser '{name}': expected one of {string.Join(", ", Names)}.", nameof(name));

    /// <summary>The optimiser's own default learning rate (Adam 0.001, Momentum 0.05, SGD 0.1).</summary>
    public static double DefaultLearningRate(string name) => Create(name).LearningRate;
}

namespace NeuralNet.Optimizers;

/// <summary>
/// What <see cref="Optimizer.Create"/> (and <c>nn train</c>) can set on any optimiser. Each optimiser class turns
/// these into an instance with its own <c>public static FromSettings(OptimizerSettings)</c>.
/// </summary>
/// <param name="LearningRate">The step size η; null for the optimiser's own default.</param>
/// <param name="WeightDecay">λ, 0 for none. AdamW applies it decoupled from the gradient; the others as L2 decay.</param>
/// <param name="GradientClipNorm">If set, the gradients' global norm is clipped to this value.</param>
public sealed record OptimizerSettings(double? LearningRate = null, double WeightDecay = 0, double? GradientClipNorm = null);

using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>
/// One step of an <see cref="ExecutionPlan"/>: one or more neighbouring layers run as a unit, forward and then
/// backward, on buffers of the step's own (the layers' own buffers are left alone).
/// </summary>
internal abstract class PlanStep
{
    /// <summary>How many of the network's layers this step runs.</summary>
    public abstract int LayerCount { get; }

    /// <summary>
    /// When the step ends with a ReLU: its output a = max(z, 0) of the last forward pass, whose positive entries
    /// let the gradient through. A dense step that follows applies that mask inside its dX product and sets
    /// <see cref="GradientArrivesMasked"/> on this step. Null for other steps.
    /// </summary>
    public virtual Matrix? RectifiedOutput => null;

    /// <summary>Set by the plan when the next step multiplies its dX by this step's ReLU derivative already.</summary>
    public bool GradientArrivesMasked { get; set; }

    /// <summary>Runs the step's layers on a batch; returns a buffer the step owns.</summary>
    public abstract Matrix Forward(Matrix x, bool training);

    /// <summary>
    /// Given ∂L/∂output of the last <see cref="Forward"/>, fills the layers' parameter gradients and returns ∂L/∂input
    /// (an empty matrix allowed when <paramref name="needInputGradient"/> is false).
    /// </summary>
    public abstract Matrix Backward(Matrix outputGradient, bool needInputGradient);
}

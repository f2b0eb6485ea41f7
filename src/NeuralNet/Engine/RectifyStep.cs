using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>
/// A <see cref="Layers.ReLU"/> that no Linear or Conv2D layer comes right before: a = max(z, 0) on the step's
/// own buffer, which a dense step after it reads as the mask for its dX (<see cref="PlanStep.RectifiedOutput"/>).
/// </summary>
internal sealed class RectifyStep : PlanStep
{
    private Matrix? output;
    private Matrix? inputGradient;

    /// <inheritdoc/>
    public override int LayerCount => 1;

    /// <inheritdoc/>
    public override Matrix? RectifiedOutput => output;

    /// <inheritdoc/>
    public override Matrix Forward(Matrix x, bool training)
    {
        Matrix a = Matrix.Ensure(ref output, x.Rows, x.Cols);
        VectorKernels.ReluForward(x.Span, a.Span);   // a = max(z, 0)
        return a;
    }

    /// <inheritdoc/>
    public override Matrix Backward(Matrix outputGradient, bool needInputGradient)
    {
        Matrix a = output ?? throw new InvalidOperationException("ReLU: Backward called before Forward.");
        if (GradientArrivesMasked) return outputGradient;   // the next step's dX product applied [a > 0] already
        Matrix.RequireSameShape(a, outputGradient, nameof(outputGradient));
        Matrix dz = Matrix.Ensure(ref inputGradient, a.Rows, a.Cols);
        VectorKernels.ReluBackward(a.Span, outputGradient.Span, dz.Span);   // dZ = dA ⊙ [a > 0]
        return dz;
    }
}

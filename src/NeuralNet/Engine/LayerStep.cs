using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Engine;

/// <summary>A layer the engine has no fused kernel for: it runs through its own Forward and Backward.</summary>
internal sealed class LayerStep(ILayer layer) : PlanStep
{
    /// <inheritdoc/>
    public override int LayerCount => 1;

    /// <inheritdoc/>
    public override Matrix Forward(Matrix x, bool training) => layer.Forward(x, training);

    /// <inheritdoc/>
    public override Matrix Backward(Matrix outputGradient, bool needInputGradient) => layer.Backward(outputGradient, needInputGradient);
}

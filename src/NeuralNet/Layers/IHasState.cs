using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>A named tensor a layer keeps besides its trainable parameters, e.g. batch normalisation's running mean.</summary>
public sealed record StateTensor(string Name, Matrix Value)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value.Shape}";
}

/// <summary>
/// A layer with state that is not trained by gradients but must be saved with the model (the model file
/// writes it after the layer's parameters and restores it on load).
/// </summary>
public interface IHasState
{
    /// <summary>The state tensors, in a fixed order; their values are overwritten in place on load.</summary>
    IReadOnlyList<StateTensor> State { get; }
}

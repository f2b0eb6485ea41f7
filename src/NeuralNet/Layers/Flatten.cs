using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// Marks where image layers end and dense layers begin. It changes nothing: an image batch is already an
/// N x (C·H·W) matrix (<see cref="ImageShape"/>), which a <see cref="Linear"/> layer reads as C·H·W
/// features. It is here so a network reads like its diagram, as in PyTorch's <c>nn.Flatten</c>.
/// </summary>
public sealed class Flatten : ILayer
{
    /// <inheritdoc/>
    public string Name => "Flatten";

    /// <inheritdoc/>
    public int? InputSize => null;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public LayerSpec Spec => new(nameof(Flatten));

    /// <summary>Rebuilds the layer from its model-file spec (it has no settings).</summary>
    public static Flatten FromSpec(LayerSpec spec) => new();

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) => inputSize;

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false) => input;

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true) => outputGradient;
}

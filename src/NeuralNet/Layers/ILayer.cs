using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// One step of a network. A layer turns a batch X (one sample per row) into a batch Y in
/// <see cref="Forward"/>, remembers what it needs, and in <see cref="Backward"/> turns ∂L/∂Y into ∂L/∂X,
/// filling the gradients of its own parameters on the way.
/// </summary>
public interface ILayer
{
    /// <summary>A short description such as <c>Linear(784→128)</c>.</summary>
    string Name { get; }

    /// <summary>The number of input features the layer requires, or null if it takes any width.</summary>
    int? InputSize { get; }

    /// <summary>The width of the output for an input of <paramref name="inputSize"/> features; throws if the layer cannot take it.</summary>
    int OutputSizeFor(int inputSize);

    /// <summary>
    /// Computes the output for a batch. The returned matrix is a buffer the layer owns and reuses:
    /// copy it if you need it after the next call. <paramref name="training"/> switches layers such as
    /// dropout into their training behaviour.
    /// </summary>
    Matrix Forward(Matrix input, bool training = false);

    /// <summary>
    /// Given ∂L/∂output of the last <see cref="Forward"/>, fills the parameter gradients and returns ∂L/∂input
    /// (a buffer the layer owns).
    /// </summary>
    /// <param name="outputGradient">∂L/∂output, the same shape as the last output.</param>
    /// <param name="needInputGradient">
    /// False when the caller will not read ∂L/∂input, as for the first layer of a network in training: the
    /// layer may then skip computing it (for Linear and Conv2D a third of their backward work) and return an
    /// empty matrix. The parameter gradients are filled either way. The choice holds for this call only.
    /// </param>
    Matrix Backward(Matrix outputGradient, bool needInputGradient = true);

    /// <summary>The trainable parameters, each with its gradient; empty for layers without any.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// What the model file stores to rebuild this layer: its type (the class name) and settings, not its weights.
    /// Each layer class rebuilds itself from it with <c>public static TheLayer FromSpec(LayerSpec spec)</c>,
    /// which <see cref="Serialization.LayerRegistry"/> finds by reflection: a new layer is one file and its test.
    /// </summary>
    LayerSpec Spec { get; }
}

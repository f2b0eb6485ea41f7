namespace NeuralNet.Onnx;

/// <summary>
/// A network cannot be written as ONNX: one of its layers has no ONNX equivalent, or its weights do not
/// have the shape its settings promise. The message names the layer by index and name.
/// </summary>
public sealed class OnnxExportException(int layerIndex, string layerName, string problem)
    : Exception($"Layer {layerIndex} ({layerName}) cannot be exported to ONNX: {problem}")
{
    /// <summary>The position of the layer in the network, from 0.</summary>
    public int LayerIndex { get; } = layerIndex;

    /// <summary>The layer's name, e.g. <c>Linear(784→128)</c>.</summary>
    public string LayerName { get; } = layerName;
}

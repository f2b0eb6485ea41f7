namespace NeuralNet.Onnx;

/// <summary>
/// How one layer type becomes ONNX operators. Every class of this assembly that implements it (one file per
/// layer type, in Mappings/) is found by reflection, keyed by <see cref="LayerType"/>, the way
/// <see cref="Serialization.LayerRegistry"/> finds each layer's <c>FromSpec</c>: no table to edit.
/// </summary>
internal interface ILayerMapping
{
    /// <summary>The layer's <see cref="Layers.ILayer.Spec"/> type (its class name), e.g. <c>Linear</c>.</summary>
    string LayerType { get; }

    /// <summary>Adds the layer's operators to <paramref name="layer"/>'s graph; returns the output value's name and layout.</summary>
    (string Value, TensorLayout Layout) Export(LayerToExport layer);
}

using NeuralNet.Layers;

namespace NeuralNet.Onnx;

/// <summary>A network inside a network → its layers' operators one after the other, named <c>layerN.layerM</c>.</summary>
internal sealed class SequentialMapping : ILayerMapping
{
    public string LayerType => "Sequential";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer)
    {
        var inner = new LayerExporter(layer.Graph);
        IReadOnlyList<ILayer> layers = ((Sequential)layer.Layer).Layers;
        (string value, TensorLayout layout) = (layer.Input, layer.Layout);
        for (int i = 0; i < layers.Count; i++)
            (value, layout) = inner.Export(i, layers[i], value, layout, prefix: $"{layer.Prefix}.layer{i}");
        return (value, layout);
    }
}

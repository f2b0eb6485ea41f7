namespace NeuralNet.Onnx;

/// <summary>Dropout → Identity (dropout does nothing at inference).</summary>
internal sealed class DropoutMapping : ILayerMapping
{
    public string LayerType => "Dropout";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer) =>
        (layer.Graph.AddNode("Identity", $"{layer.Prefix}.Identity", layer.Doc + " (identity at inference)", [layer.Input]), layer.Layout);
}

namespace NeuralNet.Onnx;

/// <summary>Tanh → Tanh, element by element.</summary>
internal sealed class TanhMapping : ILayerMapping
{
    public string LayerType => "Tanh";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer) => (layer.Node("Tanh"), layer.Layout);
}

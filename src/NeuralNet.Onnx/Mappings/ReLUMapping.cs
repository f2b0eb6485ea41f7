namespace NeuralNet.Onnx;

/// <summary>ReLU → Relu, element by element.</summary>
internal sealed class ReLUMapping : ILayerMapping
{
    public string LayerType => "ReLU";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer) => (layer.Node("Relu"), layer.Layout);
}

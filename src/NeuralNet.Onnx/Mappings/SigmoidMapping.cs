namespace NeuralNet.Onnx;

/// <summary>Sigmoid → Sigmoid, element by element.</summary>
internal sealed class SigmoidMapping : ILayerMapping
{
    public string LayerType => "Sigmoid";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer) => (layer.Node("Sigmoid"), layer.Layout);
}

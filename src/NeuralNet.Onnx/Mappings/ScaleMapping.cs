namespace NeuralNet.Onnx;

/// <summary>Scale → Mul(X, s), s broadcast over the batch.</summary>
internal sealed class ScaleMapping : ILayerMapping
{
    public string LayerType => "Scale";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer)
    {
        int features = layer.Spec.GetInt("features");
        string factors = layer.Graph.AddWeights($"{layer.Prefix}.s", layer.Parameter("s", 1, features).Span, features);
        return (layer.Node("Mul", [layer.InputAsFeatures(), factors]), TensorLayout.Flat(features));
    }
}

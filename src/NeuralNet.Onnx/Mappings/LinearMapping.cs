using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>Linear → Gemm(X, W, b). Our W is in x out and Z = X·W + b, which is Gemm with transB = 0.</summary>
internal sealed class LinearMapping : ILayerMapping
{
    public string LayerType => "Linear";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer)
    {
        int inputs = layer.Spec.GetInt("inputs"), outputs = layer.Spec.GetInt("outputs");
        string x = layer.InputAsFeatures();
        string weights = layer.Graph.AddWeights($"{layer.Prefix}.W", layer.Parameter("W", inputs, outputs).Span, inputs, outputs);
        string bias = layer.Graph.AddWeights($"{layer.Prefix}.b", layer.Parameter("b", 1, outputs).Span, outputs);
        return (layer.Node("Gemm", [x, weights, bias], Int("transB", 0)), TensorLayout.Flat(outputs));
    }
}

using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>LeakyReLU → LeakyRelu(alpha = the slope).</summary>
internal sealed class LeakyReLUMapping : ILayerMapping
{
    public string LayerType => "LeakyReLU";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer) =>
        (layer.Node("LeakyRelu", null, Float("alpha", (float)layer.Spec.GetDouble("slope"))), layer.Layout);
}

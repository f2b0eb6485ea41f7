using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>Softmax → Softmax(axis 1). Ours runs over each whole row: for an image value every channel and pixel, so flatten first.</summary>
internal sealed class SoftmaxMapping : ILayerMapping
{
    public string LayerType => "Softmax";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer) =>
        (layer.Node("Softmax", [layer.InputAsFeatures()], Int("axis", 1)), TensorLayout.Flat(layer.Layout.Features));
}

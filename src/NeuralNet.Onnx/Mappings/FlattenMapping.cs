using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>Flatten → Flatten(axis 1): N x C x H x W to N x (C·H·W), the same channel-major order as our rows.</summary>
internal sealed class FlattenMapping : ILayerMapping
{
    public string LayerType => "Flatten";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer) =>
        (layer.Node("Flatten", null, Int("axis", 1)), TensorLayout.Flat(layer.Layout.Features));
}

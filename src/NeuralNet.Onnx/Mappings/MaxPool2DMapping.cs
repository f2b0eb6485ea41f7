using NeuralNet.Tensors;
using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>MaxPool2D → MaxPool (windows past the edge dropped: ONNX's default ceil_mode 0).</summary>
internal sealed class MaxPool2DMapping : ILayerMapping
{
    public string LayerType => "MaxPool2D";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer)
    {
        ImageShape shape = layer.ImageOfSpec();
        int size = layer.Spec.GetInt("size"), stride = layer.Spec.GetInt("stride");
        string x = layer.InputAsImages(shape);
        var output = new ImageShape(shape.Channels, (shape.Height - size) / stride + 1, (shape.Width - size) / stride + 1);
        return (layer.Node("MaxPool", [x], Ints("kernel_shape", size, size), Ints("strides", stride, stride)), TensorLayout.Of(output));
    }
}

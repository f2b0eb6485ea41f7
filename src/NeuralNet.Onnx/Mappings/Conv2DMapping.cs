using NeuralNet.Layers;
using NeuralNet.Tensors;
using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>Conv2D → Conv. Our filters are F x (C·K·K), each row laid out [c, ky, kx]: exactly ONNX's F x C x K x K.</summary>
internal sealed class Conv2DMapping : ILayerMapping
{
    public string LayerType => "Conv2D";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer)
    {
        LayerSpec spec = layer.Spec;
        ImageShape shape = layer.ImageOfSpec();
        int filters = spec.GetInt("filters"), kernel = spec.GetInt("kernel"), stride = spec.GetInt("stride"), padding = spec.GetInt("padding");
        string x = layer.InputAsImages(shape);
        string weights = layer.Graph.AddWeights($"{layer.Prefix}.W", layer.Parameter("W", filters, shape.Channels * kernel * kernel).Span, filters, shape.Channels, kernel, kernel);
        string bias = layer.Graph.AddWeights($"{layer.Prefix}.b", layer.Parameter("b", 1, filters).Span, filters);
        var output = new ImageShape(filters, (shape.Height + 2 * padding - kernel) / stride + 1, (shape.Width + 2 * padding - kernel) / stride + 1);
        string y = layer.Node("Conv", [x, weights, bias],
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding));
        return (y, TensorLayout.Of(output));
    }
}

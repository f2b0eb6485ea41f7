using NeuralNet.Layers;
using NeuralNet.Tensors;
using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>
/// BatchNorm → BatchNormalization in inference mode: y = γ·(x − running mean)/√(running var + ε) + β. Dense form:
/// N x features, one statistic per feature; image form: N x C x H x W, one per channel.
/// </summary>
internal sealed class BatchNormMapping : ILayerMapping
{
    public string LayerType => "BatchNorm";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer)
    {
        LayerSpec spec = layer.Spec;
        int channels;
        string x;
        TensorLayout output;
        if (spec.Settings.ContainsKey("features"))
        {
            channels = spec.GetInt("features");
            x = layer.InputAsFeatures();
            output = TensorLayout.Flat(channels);
        }
        else
        {
            ImageShape shape = layer.ImageOfSpec();
            channels = shape.Channels;
            x = layer.InputAsImages(shape);
            output = TensorLayout.Of(shape);
        }
        OnnxGraphBuilder graph = layer.Graph;
        string gamma = graph.AddWeights($"{layer.Prefix}.gamma", layer.Parameter("gamma", 1, channels).Span, channels);
        string beta = graph.AddWeights($"{layer.Prefix}.beta", layer.Parameter("beta", 1, channels).Span, channels);
        string mean = graph.AddWeights($"{layer.Prefix}.running_mean", layer.State("running_mean", channels).Span, channels);
        string variance = graph.AddWeights($"{layer.Prefix}.running_var", layer.State("running_var", channels).Span, channels);
        string y = layer.Node("BatchNormalization", [x, gamma, beta, mean, variance],
            Float("epsilon", (float)spec.GetDouble("epsilon")), Float("momentum", (float)(1 - spec.GetDouble("momentum"))));
        return (y, output);
    }
}

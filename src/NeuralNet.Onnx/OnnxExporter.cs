using Google.Protobuf;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Tensors;
using Onnx;

namespace NeuralNet.Onnx;

/// <summary>
/// Saves a trained network as an ONNX model (opset 17, IR version 8), so that ONNX Runtime — or any other
/// tool that reads ONNX — runs it without this library.
/// </summary>
/// <remarks>
/// <para>The graph's input is <see cref="InputName"/>: float pixels in [0, 1], N x 1 x 28 x 28 for a network
/// that starts with a convolution (N x C x H x W in general), N x 784 for a dense one (N x its input width).
/// N, the batch size, is free.</para>
/// <para>Its outputs are <see cref="LogitsName"/>, the raw scores of the last layer (N x classes), and
/// <see cref="ProbabilitiesName"/>, their softmax — what <see cref="Sequential.PredictProbabilities"/> gives.
/// A network whose last layer is a <see cref="Softmax"/> has no logits to show and outputs only the probabilities.</para>
/// <para>Layer by layer the mapping is one class per layer type in Mappings/ (<see cref="ILayerMapping"/>), found by
/// <see cref="LayerExporter"/>. A layer with no ONNX equivalent stops the
/// export with an <see cref="OnnxExportException"/> naming it, and no file is written.</para>
/// </remarks>
/// <example>
/// <code>
/// OnnxExporter.Save(net, "mnist.onnx");
/// </code>
/// </example>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX file-format (IR) version that goes with opset 17.</summary>
    public const int IrVersion = 8;

    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the output holding the raw scores (before softmax).</summary>
    public const string LogitsName = "logits";

    /// <summary>The name of the output holding the class probabilities (softmax of the logits).</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> as ONNX; the file appears whole or not at all.</summary>
    /// <exception cref="OnnxExportException">A layer cannot be expressed in ONNX; the message names it.</exception>
    public static void Save(Sequential network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ToBytes(network);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The ONNX model as bytes (a serialised <c>onnx.ModelProto</c>).</summary>
    /// <exception cref="OnnxExportException">A layer cannot be expressed in ONNX; the message names it.</exception>
    public static byte[] ToBytes(Sequential network) => Build(network).ToByteArray();

    /// <summary>
    /// The dimensions of one sample of the graph's input, after the batch dimension: e.g. [1, 28, 28] for the
    /// chapter's CNN, [784] for a dense network. Feed ONNX Runtime a tensor of N x these.
    /// </summary>
    public static int[] InputDimensions(Sequential network) =>
        InputLayout(network).SampleDimensions.Select(d => (int)d).ToArray();

    /// <summary>The names of the graph's outputs: logits and probabilities, or only probabilities after a final Softmax.</summary>
    public static string[] OutputNames(Sequential network) =>
        EndsInSoftmax(network) ? [ProbabilitiesName] : [LogitsName, ProbabilitiesName];

    /// <summary>
    /// The graph's operators in order, one line each — operator, its inputs and its outputs — as a reader of the
    /// file would see them: e.g. <c>Gemm(input, layer0.W, layer0.b) -> layer0.out</c>.
    /// </summary>
    /// <exception cref="OnnxExportException">A layer cannot be expressed in ONNX; the message names it.</exception>
    public static IReadOnlyList<string> Describe(Sequential network) =>
        Build(network).Graph.Node
            .Select(node => $"{node.OpType}({string.Join(", ", node.Input)}) -> {string.Join(", ", node.Output)}")
            .ToList();

    /// <summary>Builds the ONNX model in memory.</summary>
    internal static ModelProto Build(Sequential network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var graph = new OnnxGraphBuilder();
        var layers = new LayerExporter(graph);
        TensorLayout input = InputLayout(network), layout = input;
        string value = InputName;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            ILayer layer = network.Layers[i];
            int expected = layer.OutputSizeFor(layout.Features);
            (value, layout) = layers.Export(i, layer, value, layout);
            // The operators must give what the layer gives: a mismatch is a bug in the mapping, caught here
            // rather than as wrong numbers in ONNX Runtime.
            if (layout.Features != expected)
                throw new OnnxExportException(i, layer.Name, $"the ONNX operators give {layout.Features} values per sample but the layer gives {expected}.");
        }
        if (layout.Image is not null)
            value = graph.AddNode("Flatten", "output.to_features", "N x C x H x W to N x (C·H·W), as the network's output rows", [value], OnnxGraphBuilder.Int("axis", 1));

        long[] outputDimensions = [network.OutputSize];
        graph.Graph.Input.Add(OnnxGraphBuilder.FloatBatch(InputName, InputDocumentation(input), input.SampleDimensions));
        if (EndsInSoftmax(network))
        {
            graph.RenameValue(value, ProbabilitiesName);
        }
        else
        {
            graph.RenameValue(value, LogitsName);
            graph.AddNode("Softmax", ProbabilitiesName, "softmax of the logits, over each row", [LogitsName], OnnxGraphBuilder.Int("axis", 1));
            graph.Graph.Output.Add(OnnxGraphBuilder.FloatBatch(LogitsName, "raw scores of the last layer, one per class (before softmax)", outputDimensions));
        }
        graph.Graph.Output.Add(OnnxGraphBuilder.FloatBatch(ProbabilitiesName, "class probabilities: each row sums to 1", outputDimensions));
        graph.Graph.DocString = $"{network} ({network.ParameterCount:N0} parameters)";

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "NeuralNet",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = $"A NeuralNet network. Input '{InputName}': {InputDocumentation(input)}. "
                + (EndsInSoftmax(network) ? $"Output '{ProbabilitiesName}': class probabilities."
                    : $"Outputs '{LogitsName}' (raw scores) and '{ProbabilitiesName}' (their softmax)."),
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model;
    }

    private static string InputDocumentation(TensorLayout input) => $"float pixels in [0, 1], {input}";

    private static bool EndsInSoftmax(Sequential network) => network.Layers[^1].Spec.Type == "Softmax";

    // A network starting with a convolution, pooling or image batch norm takes N x C x H x W; one starting with
    // dense layers takes N x features. Element-wise layers before the first of these take either.
    private static TensorLayout InputLayout(Sequential network)
    {
        foreach (ILayer layer in network.Layers)
        {
            LayerSpec spec = layer.Spec;
            bool image = spec.Type is "Conv2D" or "MaxPool2D" || (spec.Type == "BatchNorm" && !spec.Settings.ContainsKey("features"));
            if (image)
            {
                var shape = new ImageShape(spec.GetInt("channels"), spec.GetInt("height"), spec.GetInt("width"));
                return shape.Size == network.InputSize ? TensorLayout.Of(shape) : TensorLayout.Flat(network.InputSize);
            }
            if (spec.Type is "Linear" or "BatchNorm" or "Softmax") break;
        }
        return TensorLayout.Flat(network.InputSize);
    }
}

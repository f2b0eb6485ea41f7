using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Tensors;
using Onnx;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// Every layer type, and every way the exporter moves between N x features and N x C x H x W, checked the
/// same way: ONNX Runtime runs the exported graph on random images and must give the library's numbers.
/// </summary>
public sealed class LayerMappingTests
{
    private static readonly ImageShape Mnist = new(1, 28, 28);

    /// <summary>The test networks by name; <see cref="Build"/> makes each.</summary>
    public static readonly string[] NetworkNames =
    [
        "dense: Linear, BatchNorm, GELU, LeakyReLU, Dropout, Tanh, Sigmoid",
        "dense ending in Softmax",
        "conv: stride 2, padding 1, BatchNorm, GELU, MaxPool 3 stride 2, Flatten",
        "chapter CNN with BatchNorm and Dropout",
        "Linear then Conv2D: Reshape to images",
        "Softmax straight after an image layer",
        "ends in an image layer",
    ];

    public static TheoryData<string> Networks => new(NetworkNames);

    [Theory]
    [MemberData(nameof(Networks))]
    public void ONNX_Runtime_gives_the_library_outputs(string name)
    {
        Sequential network = Build(name);
        Matrix x = RandomImages(48, Mnist.Size, seed: 5);
        Matrix ours = network.Forward(x).Clone();
        Matrix oursProbabilities = network.PredictProbabilities(x);
        using var runtime = new OnnxRuntimeRunner(network);
        bool endsInSoftmax = network.Layers[^1] is Softmax;

        Matrix theirs = runtime.Run(x, endsInSoftmax ? OnnxExporter.ProbabilitiesName : OnnxExporter.LogitsName);
        AssertClose(ours, theirs, 1e-4f, name);
        AssertClose(oursProbabilities, runtime.Run(x, OnnxExporter.ProbabilitiesName), 1e-5f, name + " (probabilities)");
    }

    [Fact]
    public void A_CNN_takes_N_x_1_x_28_x_28_and_a_dense_network_N_x_784()
    {
        using var cnn = new OnnxRuntimeRunner(ConvNet.Small(seed: 1));
        Assert.Equal([-1, 1, 28, 28], cnn.Session.InputMetadata[OnnxExporter.InputName].Dimensions);
        Assert.Equal([-1, 10], cnn.Session.OutputMetadata[OnnxExporter.LogitsName].Dimensions);
        Assert.Equal([-1, 10], cnn.Session.OutputMetadata[OnnxExporter.ProbabilitiesName].Dimensions);

        using var mlp = new OnnxRuntimeRunner(Sequential.Mlp(784, [32], 10, seed: 1));
        Assert.Equal([-1, 784], mlp.Session.InputMetadata[OnnxExporter.InputName].Dimensions);
        Assert.Equal([OnnxExporter.LogitsName, OnnxExporter.ProbabilitiesName], mlp.Session.OutputMetadata.Keys.Order());
    }

    [Fact]
    public void The_model_declares_opset_17_and_IR_version_8()
    {
        global::Onnx.ModelProto model = global::Onnx.ModelProto.Parser.ParseFrom(OnnxExporter.ToBytes(ConvNet.Small(seed: 1)));
        Assert.Equal(8, model.IrVersion);
        OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal(["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Softmax"],
            model.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Describe_lists_the_operators_in_order_with_what_flows_between_them()
    {
        IReadOnlyList<string> lines = OnnxExporter.Describe(Sequential.Mlp(784, [32], 10, seed: 1));
        Assert.Equal(["Gemm", "Relu", "Gemm", "Softmax"], lines.Select(line => line[..line.IndexOf('(')]));
        Assert.StartsWith($"Gemm({OnnxExporter.InputName}, ", lines[0]);
        Assert.EndsWith($"({OnnxExporter.LogitsName}) -> {OnnxExporter.ProbabilitiesName}", lines[^1]);
    }

    internal static Sequential Build(string name)
    {
        var random = new Random(3);
        Sequential network;
        switch (name)
        {
            case "dense: Linear, BatchNorm, GELU, LeakyReLU, Dropout, Tanh, Sigmoid":
                network = new Sequential(
                    new Linear(784, 64, Init.He, random), new BatchNorm(64), new GELU(),
                    new Linear(64, 32, Init.He, random), new LeakyReLU(0.1), new Dropout(0.3),
                    new Linear(32, 32, Init.Xavier, random), new Tanh(),
                    new Linear(32, 16, Init.Xavier, random), new Sigmoid(),
                    new Linear(16, 10, Init.Xavier, random));
                break;
            case "dense ending in Softmax":
                network = new Sequential(new Linear(784, 32, Init.He, random), new ReLU(), new Linear(32, 10, Init.Xavier, random), new Softmax());
                break;
            case "conv: stride 2, padding 1, BatchNorm, GELU, MaxPool 3 stride 2, Flatten":
            {
                var conv = new Conv2D(Mnist, 6, 3, stride: 2, padding: 1, random: random);     // 6x14x14
                var pool = new MaxPool2D(conv.OutputShape, size: 3, stride: 2);                 // 6x6x6
                network = new Sequential(conv, new BatchNorm(conv.OutputShape), new GELU(), pool, new LeakyReLU(0.2),
                    new Flatten(), new Linear(pool.OutputShape.Size, 10, Init.Xavier, random));
                break;
            }
            case "chapter CNN with BatchNorm and Dropout":
                network = ConvNet.Small(seed: 3, batchNorm: true, dropout: 0.5, filters1: 4, filters2: 8, hidden: 16);
                break;
            case "Linear then Conv2D: Reshape to images":
            {
                var conv = new Conv2D(new ImageShape(2, 8, 8), 4, 3, padding: 1, random: random);
                network = new Sequential(new Linear(784, 128, Init.He, random), new ReLU(), conv, new Tanh(),
                    new Linear(conv.OutputShape.Size, 10, Init.Xavier, random));
                break;
            }
            case "Softmax straight after an image layer":
            {
                var conv = new Conv2D(Mnist, 2, 5, stride: 3, random: random);
                network = new Sequential(conv, new MaxPool2D(conv.OutputShape, 2), new Softmax());
                break;
            }
            case "ends in an image layer":
            {
                var conv = new Conv2D(Mnist, 3, 4, stride: 4, random: random);
                network = new Sequential(conv, new Sigmoid(), new MaxPool2D(conv.OutputShape, 2));
                break;
            }
            default:
                throw new ArgumentException(name);
        }
        GiveBatchNormRealStatistics(network, random);
        return network;
    }

    // Fresh batch norm has mean 0, variance 1, γ = 1, β = 0, which would hide a swapped or ignored tensor.
    private static void GiveBatchNormRealStatistics(Sequential network, Random random)
    {
        if (!network.Layers.OfType<BatchNorm>().Any()) return;
        for (int step = 0; step < 10; step++) network.Forward(RandomImages(32, network.InputSize, seed: 100 + step), training: true);
        foreach (BatchNorm norm in network.Layers.OfType<BatchNorm>())
        {
            foreach (ref float g in norm.Gamma.Value.Span) g = 0.5f + random.NextSingle();
            foreach (ref float b in norm.Beta.Value.Span) b = random.NextSingle() - 0.5f;
        }
    }

    internal static Matrix RandomImages(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        var x = new Matrix(rows, cols);
        foreach (ref float v in x.Span) v = random.NextSingle();
        return x;
    }

    internal static void AssertClose(Matrix expected, Matrix actual, float tolerance, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected.Span[i] - actual.Span[i]));
        Assert.True(worst <= tolerance, $"{what}: largest difference {worst:E2} > {tolerance:E0}");
    }
}

using NeuralNet.Layers;
using NeuralNet.Tensors;
using NeuralNet.Tests.Layers;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// Every layer class's example (<see cref="LayerExamples"/>, the line a new layer adds) exported on its own and
/// run by ONNX Runtime, which must give the library's numbers. With the tests that every layer class has an example
/// and every model-file type an ONNX mapping, no exportable layer goes unchecked.
/// </summary>
public sealed class EveryLayerExportTests
{
    public static TheoryData<int> ExampleIndices => [.. Enumerable.Range(0, LayerExamples.All.Length)];

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void ONNX_Runtime_gives_the_layer_outputs(int index)
    {
        LayerExamples.Example example = LayerExamples.All[index];
        ILayer layer = example.Create();
        var random = new Random(index);
        foreach (Parameter p in layer.Parameters)
            LayerMappingTests.RandomImages(p.Value.Rows, p.Value.Cols, seed: index).Span.CopyTo(p.Value.Span);
        if (layer is IHasState) layer.Forward(LayerMappingTests.RandomImages(8, example.InputWidth, seed: 99), training: true);   // moves running statistics off their start
        // A layer that takes any width gets a Linear layer before it to fix the network's input width.
        Sequential network = layer.InputSize is null
            ? new Sequential(new Linear(example.InputWidth, example.InputWidth, random: random), layer)
            : new Sequential(layer);
        Matrix x = LayerMappingTests.RandomImages(16, network.InputSize, seed: 5);

        Matrix ours = network.Forward(x).Clone();
        using var runtime = new OnnxRuntimeRunner(network);
        Matrix theirs = runtime.Run(x, layer is Softmax ? OnnxExporter.ProbabilitiesName : OnnxExporter.LogitsName);

        LayerMappingTests.AssertClose(ours, theirs, 1e-4f, layer.Name);
    }
}

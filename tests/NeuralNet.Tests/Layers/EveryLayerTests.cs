using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

/// <summary>
/// Finds every layer class in the library and holds each to the whole contract: its model-file spec names its
/// class, the model file rebuilds it with the same weights, state and outputs, and its backward pass agrees with
/// finite differences. A new layer without an example in <see cref="LayerExamples"/> fails <see cref="Every_layer_class_has_an_example"/>.
/// </summary>
public class EveryLayerTests
{
    private static LayerExamples.Example[] Examples => LayerExamples.All;

    public static TheoryData<int> ExampleIndices => [.. Enumerable.Range(0, Examples.Length)];

    private static IEnumerable<Type> LayerClasses() =>
        typeof(ILayer).Assembly.GetTypes().Where(t => t.IsClass && t.IsPublic && !t.IsAbstract && typeof(ILayer).IsAssignableFrom(t));

    [Fact]
    public void Every_layer_class_has_an_example()
    {
        var covered = Examples.Select(e => e.Create().GetType()).ToHashSet();

        var missing = LayerClasses().Where(t => !covered.Contains(t)).Select(t => t.Name).ToList();

        Assert.True(missing.Count == 0, $"add an example to EveryLayerTests.Examples for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_layer_class_can_be_rebuilt_from_a_model_file()
    {
        var missing = LayerClasses().Where(t => !LayerRegistry.Types.Contains(t.Name)).Select(t => t.Name).ToList();

        Assert.True(missing.Count == 0, $"give these layers a `public static ... FromSpec(LayerSpec spec)`: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void The_spec_names_the_class_through_the_class_and_the_interface(int index)
    {
        ILayer layer = Examples[index].Create();

        Assert.Equal(layer.GetType().Name, layer.Spec.Type);
        if (layer is ActivationLayer activation) Assert.Equal(layer.Spec.ToString(), activation.Spec.ToString());
    }

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void The_model_file_rebuilds_the_layer_with_its_weights_state_and_outputs(int index)
    {
        using var folder = new TestData.TempFolder();
        LayerExamples.Example example = Examples[index];
        ILayer layer = example.Create();
        var random = new Random(index);
        foreach (Parameter p in layer.Parameters) GradientCheck.RandomMatrix(p.Value.Rows, p.Value.Cols, random).Span.CopyTo(p.Value.Span);
        layer.Forward(GradientCheck.RandomMatrix(4, example.InputWidth, random, scale: 2f), example.Training); // moves running statistics
        // A layer that takes any width needs a neighbour that fixes it before it can form a network.
        Sequential net = layer.InputSize is null ? new Sequential(new Linear(example.InputWidth, example.InputWidth), layer) : new Sequential(layer);
        Matrix input = GradientCheck.RandomMatrix(3, example.InputWidth, random);

        ModelFile.Save(net, folder.File("layer.nnm"));
        ILayer loaded = ModelFile.Load(folder.File("layer.nnm")).Layers[^1];

        Assert.Equal(layer.GetType(), loaded.GetType());
        Assert.Equal(layer.Spec.ToString(), loaded.Spec.ToString());
        Assert.Equal(layer.Parameters.Select(p => (p.Name, p.Decays)), loaded.Parameters.Select(p => (p.Name, p.Decays)));
        for (int i = 0; i < layer.Parameters.Count; i++)
            Assert.Equal(layer.Parameters[i].Value.Span.ToArray(), loaded.Parameters[i].Value.Span.ToArray());
        if (layer is IHasState state)
            for (int i = 0; i < state.State.Count; i++)
                Assert.Equal(state.State[i].Value.Span.ToArray(), ((IHasState)loaded).State[i].Value.Span.ToArray());
        Assert.Equal(layer.Forward(input).Span.ToArray(), loaded.Forward(input).Span.ToArray());
    }

    [Theory]
    [MemberData(nameof(ExampleIndices))]
    public void Backward_matches_finite_differences_for_the_input_and_every_parameter(int index)
    {
        LayerExamples.Example example = Examples[index];
        ILayer layer = example.Create();
        Matrix input = WellSeparated(3, example.InputWidth, new Random(index));

        double error = GradientCheck.MaxRelativeError(layer, input, training: example.Training);

        Assert.True(error < GradientCheck.Tolerance, $"{layer.Name}: max relative error {error:E2}");
    }

    // Distinct values 0.05 apart and at least 0.025 from 0, so the finite-difference step (0.01) never crosses a
    // kink of ReLU-like layers or changes the winner of a max-pool window.
    private static Matrix WellSeparated(int rows, int cols, Random random)
    {
        int[] order = Enumerable.Range(0, rows * cols).OrderBy(_ => random.Next()).ToArray();
        var m = new Matrix(rows, cols);
        for (int i = 0; i < order.Length; i++) m.Span[i] = (order[i] - order.Length / 2 + 0.5f) * 0.05f;
        return m;
    }
}

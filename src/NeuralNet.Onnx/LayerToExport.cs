using NeuralNet.Layers;
using NeuralNet.Tensors;
using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>
/// One layer on its way into the graph, with what a mapping needs: the layer, its spec, the input value and its
/// layout, names for the new nodes, and helpers to reshape between N x features and N x C x H x W. A mapping reads
/// the layer only through what the model file also stores (spec, parameters, state), so a network loaded from a
/// file exports exactly like the one trained.
/// </summary>
internal sealed class LayerToExport(OnnxGraphBuilder graph, string prefix, ILayer layer, string input, TensorLayout layout)
{
    /// <summary>The graph being built.</summary>
    public OnnxGraphBuilder Graph { get; } = graph;

    /// <summary>The layer.</summary>
    public ILayer Layer { get; } = layer;

    /// <summary>Its type and settings, as the model file stores them.</summary>
    public LayerSpec Spec { get; } = layer.Spec;

    /// <summary>The name of the value the layer reads.</summary>
    public string Input { get; } = input;

    /// <summary>How that value is laid out.</summary>
    public TensorLayout Layout { get; } = layout;

    /// <summary>The prefix of this layer's node and weight names, e.g. <c>layer3</c> (<c>layer3.layer0</c> inside a network in a network).</summary>
    public string Prefix { get; } = prefix;

    /// <summary>The doc string of its nodes: the layer's name.</summary>
    public string Doc { get; } = layer.Name;

    /// <summary>One node of the layer, named <c>prefix.op</c>, reading <paramref name="inputs"/> (the layer's input when none are given).</summary>
    public string Node(string op, string[]? inputs = null, params global::Onnx.AttributeProto[] attributes) =>
        Graph.AddNode(op, $"{Prefix}.{op}", Doc, inputs ?? [Input], attributes);

    /// <summary>The input as N x features (a Flatten for an image value; nothing to do for a flat one).</summary>
    public string InputAsFeatures() =>
        Layout.Image is null ? Input : Graph.AddNode("Flatten", $"{Prefix}.to_features", "N x C x H x W to N x (C·H·W)", [Input], Int("axis", 1));

    /// <summary>The input as N x C x H x W images of <paramref name="shape"/> (a Reshape: the order of the numbers is the same).</summary>
    public string InputAsImages(ImageShape shape)
    {
        if (Layout.Features != shape.Size)
            throw new ArgumentException($"expects images of {shape} = {shape.Size} values but the previous layer gives {Layout.Features}.");
        if (Layout.Image == shape) return Input;
        string target = Graph.AddInt64s($"{Prefix}.image_shape", -1, shape.Channels, shape.Height, shape.Width);
        return Graph.AddNode("Reshape", $"{Prefix}.to_image", $"N x {shape.Size} to N x {shape.Channels} x {shape.Height} x {shape.Width}", [Input, target]);
    }

    /// <summary>The spec's channels, height and width.</summary>
    public ImageShape ImageOfSpec() => new(Spec.GetInt("channels"), Spec.GetInt("height"), Spec.GetInt("width"));

    /// <summary>The parameter called <paramref name="name"/>, checked to be <paramref name="rows"/> x <paramref name="cols"/>.</summary>
    public Matrix Parameter(string name, int rows, int cols) =>
        CheckShape(Layer.Parameters.FirstOrDefault(p => p.Name == name)?.Value, "parameter", name, rows, cols);

    /// <summary>The state tensor called <paramref name="name"/> (<see cref="IHasState"/>), checked to hold <paramref name="length"/> values.</summary>
    public Matrix State(string name, int length) =>
        CheckShape((Layer as IHasState)?.State.FirstOrDefault(s => s.Name == name)?.Value, "state tensor", name, 1, length);

    private static Matrix CheckShape(Matrix? value, string kind, string name, int rows, int cols) =>
        value is null ? throw new ArgumentException($"it has no {kind} '{name}'.")
        : value.Rows != rows || value.Cols != cols ? throw new ArgumentException($"its {kind} '{name}' is {value.Shape}, expected {rows}x{cols}.")
        : value;
}

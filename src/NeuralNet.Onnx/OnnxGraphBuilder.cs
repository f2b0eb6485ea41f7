using Onnx;

namespace NeuralNet.Onnx;

/// <summary>
/// Collects the nodes and the weights (initializers) of an ONNX graph as the exporter walks the layers.
/// Every method adds protobuf messages generated from the vendored onnx.proto3; nothing here encodes bytes.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; } = new() { Name = "NeuralNet" };

    /// <summary>
    /// Adds one operator. <paramref name="name"/> names the node and its output value, so a viewer such as
    /// Netron shows <c>layer0.Gemm</c> next to the layer it came from.
    /// </summary>
    /// <returns>The name of the node's output value.</returns>
    public string AddNode(string opType, string name, string documentation, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name, DocString = documentation };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>Adds a float tensor of the given dimensions as a weight of the graph; returns its name.</summary>
    public string AddWeights(string name, ReadOnlySpan<float> values, params long[] dimensions)
    {
        long count = dimensions.Aggregate(1L, (product, d) => product * d);
        if (count != values.Length)
            throw new InvalidOperationException($"{name}: {values.Length} values do not fill dimensions [{string.Join(", ", dimensions)}].");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dimensions);
        tensor.FloatData.AddRange(values.ToArray());
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a float scalar (a tensor with no dimensions), e.g. a constant of the GELU formula.</summary>
    public string AddScalar(string name, float value) => AddWeights(name, [value]);

    /// <summary>Adds an int64 vector, e.g. the target shape of a Reshape.</summary>
    public string AddInt64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Declares a float input or output of the graph: N (any batch size) x <paramref name="sampleDimensions"/>.</summary>
    public static ValueInfoProto FloatBatch(string name, string documentation, long[] sampleDimensions)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (long d in sampleDimensions) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            DocString = documentation,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>Renames the output of the node that produces <paramref name="value"/> (which nothing else reads yet).</summary>
    public void RenameValue(string value, string newName)
    {
        foreach (NodeProto node in Graph.Node)
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == value) node.Output[i] = newName;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An attribute holding a list of integers.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}

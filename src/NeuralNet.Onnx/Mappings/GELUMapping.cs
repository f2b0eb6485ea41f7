namespace NeuralNet.Onnx;

/// <summary>GELU (tanh form) → ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) in Mul, Add and Tanh (opset 17 has no Gelu).</summary>
internal sealed class GELUMapping : ILayerMapping
{
    public string LayerType => "GELU";

    public (string Value, TensorLayout Layout) Export(LayerToExport layer)
    {
        OnnxGraphBuilder graph = layer.Graph;
        string prefix = layer.Prefix, doc = layer.Doc, x = layer.Input;
        string half = graph.AddScalar($"{prefix}.half", 0.5f);
        string one = graph.AddScalar($"{prefix}.one", 1f);
        string cubic = graph.AddScalar($"{prefix}.cubic", 0.044715f);
        string root2OverPi = graph.AddScalar($"{prefix}.sqrt_2_over_pi", 0.7978845608f);
        string square = graph.AddNode("Mul", $"{prefix}.x2", doc + ": x²", [x, x]);
        string cube = graph.AddNode("Mul", $"{prefix}.x3", doc + ": x³", [square, x]);
        string scaledCube = graph.AddNode("Mul", $"{prefix}.cubic_x3", doc + ": 0.044715·x³", [cube, cubic]);
        string sum = graph.AddNode("Add", $"{prefix}.inner", doc + ": x + 0.044715·x³", [x, scaledCube]);
        string u = graph.AddNode("Mul", $"{prefix}.u", doc + ": u = √(2/π)·(x + 0.044715·x³)", [sum, root2OverPi]);
        string t = graph.AddNode("Tanh", $"{prefix}.tanh_u", doc + ": tanh(u)", [u]);
        string onePlus = graph.AddNode("Add", $"{prefix}.one_plus_tanh", doc + ": 1 + tanh(u)", [t, one]);
        string halfX = graph.AddNode("Mul", $"{prefix}.half_x", doc + ": ½·x", [x, half]);
        return (graph.AddNode("Mul", $"{prefix}.Gelu", doc + ": ½·x·(1 + tanh(u))", [halfX, onePlus]), layer.Layout);
    }
}

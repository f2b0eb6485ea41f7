using NeuralNet.Layers;
using NeuralNet.Tensors;
using static NeuralNet.Onnx.OnnxGraphBuilder;

namespace NeuralNet.Onnx;

/// <summary>
/// Writes one layer as ONNX operators. It reads a layer only through what the model file also stores — its
/// <see cref="ILayer.Spec"/> (type and settings), its <see cref="ILayer.Parameters"/> and its
/// <see cref="IHasState.State"/> — so a network loaded from a file exports exactly like the one trained.
/// </summary>
/// <remarks>
/// The mapping, layer by layer (opset 17):
/// <list type="bullet">
/// <item>Linear → Gemm(X, W, b). Our W is in x out and Z = X·W + b, which is Gemm with transB = 0.</item>
/// <item>Conv2D → Conv. Our filters are F x (C·K·K), each row laid out [c, ky, kx]: exactly ONNX's F x C x K x K.</item>
/// <item>MaxPool2D → MaxPool (windows past the edge dropped: ONNX's default ceil_mode 0).</item>
/// <item>Flatten → Flatten(axis 1): N x C x H x W to N x (C·H·W), the same channel-major order as our rows.</item>
/// <item>BatchNorm → BatchNormalization in inference mode, with the running mean and variance.</item>
/// <item>ReLU, Sigmoid, Tanh, LeakyReLU → Relu, Sigmoid, Tanh, LeakyRelu(alpha).</item>
/// <item>GELU (tanh form) → ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) in Mul, Add and Tanh (opset 17 has no Gelu).</item>
/// <item>Softmax → Softmax(axis 1), over each row as ours is.</item>
/// <item>Dropout → Identity (dropout does nothing at inference).</item>
/// </list>
/// </remarks>
internal sealed class LayerExporter(OnnxGraphBuilder graph)
{
    /// <summary>The layer types this exporter knows, for error messages.</summary>
    public static readonly string[] SupportedTypes =
        ["Linear", "Conv2D", "MaxPool2D", "Flatten", "BatchNorm", "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "GELU", "Softmax", "Dropout"];

    /// <summary>
    /// Adds the operators of layer <paramref name="index"/>, reading <paramref name="input"/> laid out as
    /// <paramref name="layout"/>; returns the output value's name and layout.
    /// </summary>
    /// <exception cref="OnnxExportException">The layer has no ONNX mapping, or its weights do not match its settings.</exception>
    public (string Value, TensorLayout Layout) Export(int index, ILayer layer, string input, TensorLayout layout)
    {
        LayerSpec spec = layer.Spec;
        string prefix = $"layer{index}";
        string doc = layer.Name;
        try
        {
            return spec.Type switch
            {
                "Linear" => Linear(prefix, doc, layer, spec, input, layout),
                "Conv2D" => Conv(prefix, doc, layer, spec, input, layout),
                "MaxPool2D" => MaxPool(prefix, doc, spec, input, layout),
                "Flatten" => (graph.AddNode("Flatten", $"{prefix}.Flatten", doc, [input], Int("axis", 1)), TensorLayout.Flat(layout.Features)),
                "BatchNorm" => BatchNormalization(prefix, doc, layer, spec, input, layout),
                "ReLU" => (graph.AddNode("Relu", $"{prefix}.Relu", doc, [input]), layout),
                "Sigmoid" => (graph.AddNode("Sigmoid", $"{prefix}.Sigmoid", doc, [input]), layout),
                "Tanh" => (graph.AddNode("Tanh", $"{prefix}.Tanh", doc, [input]), layout),
                "LeakyReLU" => (graph.AddNode("LeakyRelu", $"{prefix}.LeakyRelu", doc, [input], Float("alpha", (float)spec.GetDouble("slope"))), layout),
                "GELU" => (Gelu(prefix, doc, input), layout),
                "Softmax" => Softmax(prefix, doc, input, layout),
                "Dropout" => (graph.AddNode("Identity", $"{prefix}.Identity", doc + " (identity at inference)", [input]), layout),
                _ => throw new OnnxExportException(index, layer.Name,
                    $"layer type '{spec.Type}' has no ONNX mapping (supported: {string.Join(", ", SupportedTypes)})."),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new OnnxExportException(index, layer.Name, e.Message);
        }
    }

    // Z = X·W + b  →  Gemm(A = X, B = W, C = b), W kept in x out (transB = 0).
    private (string, TensorLayout) Linear(string prefix, string doc, ILayer layer, LayerSpec spec, string input, TensorLayout layout)
    {
        int inputs = spec.GetInt("inputs"), outputs = spec.GetInt("outputs");
        string x = ToFlat(prefix, input, layout);
        Matrix w = Find(layer, "W", inputs, outputs), b = Find(layer, "b", 1, outputs);
        string weights = graph.AddWeights($"{prefix}.W", w.Span, inputs, outputs);
        string bias = graph.AddWeights($"{prefix}.b", b.Span, outputs);
        return (graph.AddNode("Gemm", $"{prefix}.Gemm", doc, [x, weights, bias], Int("transB", 0)), TensorLayout.Flat(outputs));
    }

    private (string, TensorLayout) Conv(string prefix, string doc, ILayer layer, LayerSpec spec, string input, TensorLayout layout)
    {
        ImageShape shape = ImageOf(spec);
        int filters = spec.GetInt("filters"), kernel = spec.GetInt("kernel"), stride = spec.GetInt("stride"), padding = spec.GetInt("padding");
        string x = ToImage(prefix, input, layout, shape);
        Matrix w = Find(layer, "W", filters, shape.Channels * kernel * kernel), b = Find(layer, "b", 1, filters);
        string weights = graph.AddWeights($"{prefix}.W", w.Span, filters, shape.Channels, kernel, kernel);
        string bias = graph.AddWeights($"{prefix}.b", b.Span, filters);
        var output = new ImageShape(filters, (shape.Height + 2 * padding - kernel) / stride + 1, (shape.Width + 2 * padding - kernel) / stride + 1);
        string y = graph.AddNode("Conv", $"{prefix}.Conv", doc, [x, weights, bias],
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding));
        return (y, TensorLayout.Of(output));
    }

    private (string, TensorLayout) MaxPool(string prefix, string doc, LayerSpec spec, string input, TensorLayout layout)
    {
        ImageShape shape = ImageOf(spec);
        int size = spec.GetInt("size"), stride = spec.GetInt("stride");
        string x = ToImage(prefix, input, layout, shape);
        var output = new ImageShape(shape.Channels, (shape.Height - size) / stride + 1, (shape.Width - size) / stride + 1);
        string y = graph.AddNode("MaxPool", $"{prefix}.MaxPool", doc, [x], Ints("kernel_shape", size, size), Ints("strides", stride, stride));
        return (y, TensorLayout.Of(output));
    }

    // Dense form: N x features, one statistic per feature. Image form: N x C x H x W, one per channel.
    // y = γ·(x − running mean)/√(running var + ε) + β, which is BatchNormalization with training_mode 0.
    private (string, TensorLayout) BatchNormalization(string prefix, string doc, ILayer layer, LayerSpec spec, string input, TensorLayout layout)
    {
        bool dense = spec.Settings.ContainsKey("features");
        int channels;
        string x;
        TensorLayout output;
        if (dense)
        {
            channels = spec.GetInt("features");
            x = ToFlat(prefix, input, layout);
            output = TensorLayout.Flat(channels);
        }
        else
        {
            ImageShape shape = ImageOf(spec);
            channels = shape.Channels;
            x = ToImage(prefix, input, layout, shape);
            output = TensorLayout.Of(shape);
        }
        string gamma = graph.AddWeights($"{prefix}.gamma", Find(layer, "gamma", 1, channels).Span, channels);
        string beta = graph.AddWeights($"{prefix}.beta", Find(layer, "beta", 1, channels).Span, channels);
        string mean = graph.AddWeights($"{prefix}.running_mean", FindState(layer, "running_mean", channels).Span, channels);
        string variance = graph.AddWeights($"{prefix}.running_var", FindState(layer, "running_var", channels).Span, channels);
        string y = graph.AddNode("BatchNormalization", $"{prefix}.BatchNormalization", doc, [x, gamma, beta, mean, variance],
            Float("epsilon", (float)spec.GetDouble("epsilon")), Float("momentum", (float)(1 - spec.GetDouble("momentum"))));
        return (y, output);
    }

    // a = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    private string Gelu(string prefix, string doc, string x)
    {
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
        return graph.AddNode("Mul", $"{prefix}.Gelu", doc + ": ½·x·(1 + tanh(u))", [halfX, onePlus]);
    }

    // Our softmax runs over each whole row; for an image value that is every channel and pixel, so flatten first.
    private (string, TensorLayout) Softmax(string prefix, string doc, string input, TensorLayout layout)
    {
        string x = ToFlat(prefix, input, layout);
        return (graph.AddNode("Softmax", $"{prefix}.Softmax", doc, [x], Int("axis", 1)), TensorLayout.Flat(layout.Features));
    }

    // N x C x H x W → N x (C·H·W) for a layer that wants features; nothing to do for a value that is flat already.
    private string ToFlat(string prefix, string input, TensorLayout layout) =>
        layout.Image is null ? input : graph.AddNode("Flatten", $"{prefix}.to_features", "N x C x H x W to N x (C·H·W)", [input], Int("axis", 1));

    // N x (C·H·W) → N x C x H x W for an image layer (a Reshape: the order of the numbers is the same).
    private string ToImage(string prefix, string input, TensorLayout layout, ImageShape shape)
    {
        if (layout.Features != shape.Size)
            throw new ArgumentException($"expects images of {shape} = {shape.Size} values but the previous layer gives {layout.Features}.");
        if (layout.Image == shape) return input;
        string target = graph.AddInt64s($"{prefix}.image_shape", -1, shape.Channels, shape.Height, shape.Width);
        return graph.AddNode("Reshape", $"{prefix}.to_image", $"N x {shape.Size} to N x {shape.Channels} x {shape.Height} x {shape.Width}", [input, target]);
    }

    private static ImageShape ImageOf(LayerSpec spec) => new(spec.GetInt("channels"), spec.GetInt("height"), spec.GetInt("width"));

    private static Matrix Find(ILayer layer, string name, int rows, int cols) =>
        CheckShape(layer.Parameters.FirstOrDefault(p => p.Name == name)?.Value, "parameter", name, rows, cols);

    private static Matrix FindState(ILayer layer, string name, int length) =>
        CheckShape((layer as IHasState)?.State.FirstOrDefault(s => s.Name == name)?.Value, "state tensor", name, 1, length);

    private static Matrix CheckShape(Matrix? value, string kind, string name, int rows, int cols) =>
        value is null ? throw new ArgumentException($"it has no {kind} '{name}'.")
        : value.Rows != rows || value.Cols != cols ? throw new ArgumentException($"its {kind} '{name}' is {value.Shape}, expected {rows}x{cols}.")
        : value;
}

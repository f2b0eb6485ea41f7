using System.Text;
using NeuralNet.Engine;
using NeuralNet.Initialization;
using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// A network: layers applied one after the other. Forward runs them in order, Backward in reverse. A network
/// is itself a layer, so it can be one step of a larger network.
/// </summary>
/// <example>
/// <code>
/// var net = new Sequential(
///     new Linear(784, 128, Init.He), new ReLU(),
///     new Linear(128, 64, Init.He),  new ReLU(),
///     new Linear(64, 10, Init.Xavier));
/// </code>
/// </example>
public sealed class Sequential : ILayer, IHasState, IInitializable
{
    private readonly ILayer[] layers;
    private readonly Parameter[] parameters;
    private Matrix? probabilities;
    private readonly ExecutionPlan plan;   // how the layers run: fused where the engine knows how (NeuralNet.Engine)

    /// <summary>Chains the layers, checking that each one accepts the previous one's output width.</summary>
    /// <exception cref="ShapeMismatchException">Two neighbours do not fit; the message names the layer and both widths.</exception>
    public Sequential(params ILayer[] layers)
    {
        if (layers.Length == 0) throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        this.layers = layers;
        parameters = layers.SelectMany(l => l.Parameters).ToArray();
        InputSize = layers.Select(l => l.InputSize).FirstOrDefault(s => s is not null)
            ?? throw new ArgumentException("No layer declares an input size (add a Linear layer).", nameof(layers));
        OutputSize = CheckShapes(layers, InputSize);
        plan = new ExecutionPlan(layers);
    }

    /// <summary>
    /// Builds a multi-layer perceptron: for each hidden size a Linear layer and the activation, then a Linear
    /// output layer producing logits. Hidden layers use <paramref name="initializer"/> (He by default); the
    /// output layer uses Xavier, as it feeds softmax rather than a ReLU. Weights are drawn from one
    /// <see cref="Random"/> seeded with <paramref name="seed"/>, so the same seed gives the same network.
    /// </summary>
    /// <param name="activation">An <see cref="Activations"/> name: <c>relu</c>, <c>sigmoid</c>, <c>tanh</c>, <c>leakyrelu</c>, <c>gelu</c>.</param>
    public static Sequential Mlp(int inputs, IReadOnlyList<int> hiddenSizes, int outputs,
        string activation = "relu", IInitializer? initializer = null, int seed = 42)
    {
        var random = new Random(seed);
        var list = new List<ILayer>();
        int width = inputs;
        foreach (int hidden in hiddenSizes)
        {
            list.Add(new Linear(width, hidden, initializer ?? Init.He, random));
            list.Add(Activations.Create(activation));
            width = hidden;
        }
        list.Add(new Linear(width, outputs, Init.Xavier, random));
        return new Sequential([.. list]);
    }

    /// <summary>The network as a layer: its layers in order (<see cref="ToString"/>).</summary>
    public string Name => $"Sequential({this})";

    int? ILayer.InputSize => InputSize;

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) =>
        inputSize == InputSize ? OutputSize
            : throw new ShapeMismatchException($"The network expects {InputSize} input features but receives {inputSize}.");

    /// <summary>
    /// The model file's description: the number of layers and each layer's own spec as text
    /// (<see cref="LayerSpec.ToString"/>), under the keys <c>layer0</c>, <c>layer1</c>, ...
    /// </summary>
    public LayerSpec Spec =>
        LayerSpec.Of(nameof(Sequential), [("layers", layers.Length), .. layers.Select((l, i) => ($"layer{i}", (object)l.Spec.ToString()))]);

    /// <summary>Rebuilds a network inside a network from its spec (the weights are loaded afterwards).</summary>
    public static Sequential FromSpec(LayerSpec spec) =>
        new([.. Enumerable.Range(0, spec.GetInt("layers"))
            .Select(i => Serialization.LayerRegistry.Create(LayerSpec.Parse(spec.Get($"layer{i}")) with { Budget = spec.Budget }))]);

    /// <summary>The state tensors of all its layers (such as batch normalisation's running statistics), layer by layer.</summary>
    public IReadOnlyList<StateTensor> State => [.. layers.OfType<IHasState>().SelectMany(l => l.State)];

    /// <summary>Re-draws every layer's weights from <paramref name="random"/>, first layer first.</summary>
    public void Initialize(Random random)
    {
        foreach (IInitializable layer in layers.OfType<IInitializable>()) layer.Initialize(random);
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<ILayer> Layers => layers;

    /// <summary>All trainable parameters, layer by layer.</summary>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>Number of input features.</summary>
    public int InputSize { get; }

    /// <summary>Number of outputs (classes).</summary>
    public int OutputSize { get; }

    /// <summary>The total number of trainable numbers.</summary>
    public long ParameterCount => parameters.Sum(p => (long)p.Value.Length);

    /// <summary>
    /// Runs the batch through every layer (as the engine's plan runs them: fused neighbours give the same bits).
    /// The result is a buffer the network reuses: copy it to keep it.
    /// </summary>
    public Matrix Forward(Matrix input, bool training = false)
    {
        if (input.Cols != InputSize)
            throw new ShapeMismatchException($"The network expects {InputSize} input features (layer 0, {layers[0].Name}) but the batch is {input.Shape}.");
        return plan.Forward(input, training);
    }

    /// <summary>
    /// Backpropagates ∂L/∂output through every layer in reverse, filling all parameter gradients, and returns
    /// ∂L/∂input. With <paramref name="needInputGradient"/> false (training, where nothing reads the gradient
    /// with respect to the pixels) the first layer may skip that work and the result is an empty matrix.
    /// </summary>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true) => plan.Backward(outputGradient, needInputGradient);

    /// <summary>Class probabilities for each row of <paramref name="input"/> (a new matrix).</summary>
    public Matrix PredictProbabilities(Matrix input)
    {
        var result = new Matrix(input.Rows, OutputSize);
        ForEachChunk(input, (output, firstRow) =>
        {
            Matrix p = ToProbabilities(output);
            p.Span.CopyTo(result.Data.AsSpan(firstRow * OutputSize));
        });
        return result;
    }

    /// <summary>The predicted class (argmax) of each row of <paramref name="input"/>.</summary>
    public int[] Predict(Matrix input)
    {
        int[] result = new int[input.Rows];
        ForEachChunk(input, (output, firstRow) => MatrixOps.ArgMaxRows(output, result.AsSpan(firstRow, output.Rows)));
        return result;
    }

    /// <summary>The predicted class of one sample (a span of <see cref="InputSize"/> features).</summary>
    public int Predict(ReadOnlySpan<float> sample) => Predict(new Matrix(1, sample.Length, sample.ToArray()))[0];

    /// <summary>Re-draws every layer's weights (Linear, Conv2D, ...) from one generator seeded with <paramref name="seed"/>.</summary>
    public void Initialize(int seed) => Initialize(new Random(seed));

    /// <summary>A table of the layers, their output widths and parameter counts.</summary>
    public string Summary()
    {
        int nameWidth = Math.Max(5, layers.Max(l => l.Name.Length));
        var text = new StringBuilder();
        text.AppendLine($"{"#",-3} {"layer".PadRight(nameWidth)} {"output",-12} {"parameters",12}");
        int width = InputSize;
        for (int i = 0; i < layers.Length; i++)
        {
            width = layers[i].OutputSizeFor(width);
            long count = layers[i].Parameters.Sum(p => (long)p.Value.Length);
            text.AppendLine($"{i,-3} {layers[i].Name.PadRight(nameWidth)} {"B x " + width,-12} {count,12:N0}");
        }
        text.Append($"total parameters: {ParameterCount:N0}");
        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(" → ", layers.Select(l => l.Name));

    // Evaluates large inputs in chunks so the layers' buffers stay a modest size.
    private void ForEachChunk(Matrix input, Action<Matrix, int> consume)
    {
        const int chunkRows = 1024;
        Matrix? chunk = null;
        for (int start = 0; start < input.Rows; start += chunkRows)
        {
            int rows = Math.Min(chunkRows, input.Rows - start);
            var batch = Matrix.Ensure(ref chunk, rows, input.Cols);
            input.Data.AsSpan(start * input.Cols, rows * input.Cols).CopyTo(batch.Span);
            consume(Forward(batch), start);
        }
    }

    private Matrix ToProbabilities(Matrix output)
    {
        if (layers[^1] is Softmax) return output;
        var p = Matrix.Ensure(ref probabilities, output.Rows, output.Cols);
        Softmax.Apply(output, p);
        return p;
    }

    private static int CheckShapes(ILayer[] layers, int inputSize)
    {
        int width = inputSize;
        for (int i = 0; i < layers.Length; i++)
        {
            try
            {
                width = layers[i].OutputSizeFor(width);
            }
            catch (ShapeMismatchException e)
            {
                string previous = i == 0 ? "the network input" : $"layer {i - 1} ({layers[i - 1].Name})";
                throw new ShapeMismatchException($"Layer {i} ({layers[i].Name}) cannot follow {previous}, which outputs B x {width}: {e.Message}");
            }
        }
        return width;
    }
}

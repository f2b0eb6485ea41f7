using NeuralNet.Initialization;
using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// A fully connected layer: Z = X·W + b, with X (batch x in), W (in x out), b (1 x out), Z (batch x out).
/// </summary>
public sealed class Linear : ILayer, IInitializable
{
    private Matrix? input;          // X from the last forward pass, needed for dW
    private Matrix? output;         // Z buffer
    private Matrix? inputGradient;  // dX buffer

    /// <summary>Creates the layer and fills W with <paramref name="initializer"/> (He by default); b starts at zero.</summary>
    /// <param name="budget">What a model loader allows the parameters to take (see <see cref="LayerSpec.Budget"/>).</param>
    public Linear(int inputs, int outputs, IInitializer? initializer = null, Random? random = null, ParameterBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        Inputs = inputs;
        Outputs = outputs;
        Initializer = initializer ?? Init.He;
        Weights = new Parameter("W", inputs, outputs, budget: budget);
        Bias = new Parameter("b", 1, outputs, decays: false, budget: budget);
        Parameters = [Weights, Bias];
        Initialize(random ?? Random.Shared);
    }

    /// <summary>Number of input features (rows of W).</summary>
    public int Inputs { get; }

    /// <summary>Number of output features (columns of W).</summary>
    public int Outputs { get; }

    /// <summary>How W is initialised.</summary>
    public IInitializer Initializer { get; }

    /// <summary>W, in x out: column j holds the weights of output neuron j.</summary>
    public Parameter Weights { get; }

    /// <summary>b, 1 x out.</summary>
    public Parameter Bias { get; }

    /// <inheritdoc/>
    public string Name => $"Linear({Inputs}→{Outputs})";

    /// <inheritdoc/>
    public int? InputSize => Inputs;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public LayerSpec Spec => LayerSpec.Of(nameof(Linear), ("inputs", Inputs), ("outputs", Outputs));

    /// <summary>Rebuilds the layer from its model-file spec (the weights are loaded afterwards).</summary>
    public static Linear FromSpec(LayerSpec spec) => new(spec.GetInt("inputs"), spec.GetInt("outputs"), budget: spec.Budget);

    /// <summary>Draws fresh weights with this layer's initialiser and zeroes the bias.</summary>
    public void Initialize(Random random)
    {
        Initializer.Initialize(Weights.Value, random);
        Bias.Value.Clear();
    }

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) =>
        inputSize == Inputs ? Outputs
            : throw new ShapeMismatchException($"{Name} expects {Inputs} input features but receives {inputSize}.");

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        if (input.Cols != Inputs)
            throw new ShapeMismatchException($"{Name} expects input batch x {Inputs} but got {input.Shape}.");
        this.input = input;
        var z = Matrix.Ensure(ref output, input.Rows, Outputs);
        // Z = X·W + b   (b broadcast over the batch, added inside the product; ReferenceGemm is the plain loop)
        Gemm.MultiplyAddRow(input, Weights.Value, Bias.Value, z);
        return z;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        Matrix x = input ?? throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        if (outputGradient.Rows != x.Rows || outputGradient.Cols != Outputs)
            throw new ShapeMismatchException($"{Name}: gradient must be {x.Rows}x{Outputs}, got {outputGradient.Shape}.");
        // dW = Xᵀ·dZ   (the mean over the batch is already in dZ)
        Gemm.MultiplyTransposeA(x, outputGradient, Weights.Gradient);
        // db = Σ over the batch of dZ
        MatrixOps.SumColumns(outputGradient, Bias.Gradient);
        if (!needInputGradient) return Matrix.Ensure(ref inputGradient, 0, 0);   // nobody reads dX: skip it
        // dX = dZ·Wᵀ
        var dx = Matrix.Ensure(ref inputGradient, x.Rows, Inputs);
        Gemm.MultiplyTransposeB(outputGradient, Weights.Value, dx);
        return dx;
    }
}

using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>A learned scale per feature: y = x ⊙ s; ∂L/∂s_j = Σ_i dY_ij·x_ij, ∂L/∂x = dY ⊙ s. s starts at 1.</summary>
public sealed class Scale : ILayer
{
    private Matrix? input, output, inputGradient;

    /// <summary>Creates the layer for <paramref name="features"/> inputs, each scaled by 1 at first.</summary>
    public Scale(int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        Factors = new Parameter("s", 1, features, decays: false);
        Factors.Value.Span.Fill(1f);
    }

    /// <summary>s, 1 x features.</summary>
    public Parameter Factors { get; }

    /// <inheritdoc/>
    public string Name => $"Scale({Factors.Value.Cols})";

    /// <inheritdoc/>
    public int? InputSize => Factors.Value.Cols;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [Factors];

    /// <inheritdoc/>
    public LayerSpec Spec => LayerSpec.Of(nameof(Scale), ("features", Factors.Value.Cols));

    /// <summary>Rebuilds the layer from its model-file spec (the factors are loaded afterwards).</summary>
    public static Scale FromSpec(LayerSpec spec) => new(spec.GetInt("features"));

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) =>
        inputSize == Factors.Value.Cols ? inputSize : throw new ShapeMismatchException($"{Name} expects {Factors.Value.Cols} features but receives {inputSize}.");

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        OutputSizeFor(input.Cols);
        this.input = input;
        Matrix y = Matrix.Ensure(ref output, input.Rows, input.Cols);
        ReadOnlySpan<float> s = Factors.Value.Span;
        for (int i = 0; i < input.Rows; i++)
            for (int j = 0; j < s.Length; j++) y[i, j] = input[i, j] * s[j];   // y = x ⊙ s
        return y;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        Matrix x = input ?? throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        Matrix.RequireSameShape(x, outputGradient, nameof(outputGradient));
        Matrix dx = Matrix.Ensure(ref inputGradient, x.Rows, x.Cols);
        Span<float> ds = Factors.Gradient.Span;
        ReadOnlySpan<float> s = Factors.Value.Span;
        ds.Clear();
        for (int i = 0; i < x.Rows; i++)
            for (int j = 0; j < s.Length; j++)
            {
                ds[j] += outputGradient[i, j] * x[i, j];   // ∂L/∂s_j = Σ_i dY_ij·x_ij
                dx[i, j] = outputGradient[i, j] * s[j];     // ∂L/∂x = dY ⊙ s
            }
        return dx;
    }
}

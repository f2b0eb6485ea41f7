using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// Softmax over each row: pᵢ = e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z). Subtracting the row's maximum changes
/// nothing mathematically but keeps e^x from overflowing for large logits.
/// </summary>
/// <remarks>
/// For training, prefer <see cref="Losses.SoftmaxCrossEntropy"/> on raw logits: it fuses this with the loss
/// and its gradient is simply p − y. This layer's own backward pass uses the full Jacobian-vector product
/// dZᵢ = pᵢ·(dPᵢ − Σⱼ dPⱼ·pⱼ).
/// </remarks>
public sealed class Softmax : ILayer
{
    private Matrix? output;
    private Matrix? inputGradient;

    /// <inheritdoc/>
    public string Name => "Softmax";

    /// <inheritdoc/>
    public int? InputSize => null;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public LayerSpec Spec => new(nameof(Softmax));

    /// <summary>Rebuilds the layer from its model-file spec (it has no settings).</summary>
    public static Softmax FromSpec(LayerSpec spec) => new();

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) => inputSize;

    /// <summary>Writes the softmax of each row of <paramref name="logits"/> into <paramref name="probabilities"/> (may be the same matrix).</summary>
    public static void Apply(Matrix logits, Matrix probabilities)
    {
        Matrix.RequireSameShape(logits, probabilities, nameof(probabilities));
        for (int r = 0; r < logits.Rows; r++)
        {
            Span<float> z = logits.Row(r);
            Span<float> p = probabilities.Row(r);
            float max = float.NegativeInfinity;
            foreach (float value in z) max = MathF.Max(max, value);
            float sum = 0f;
            for (int c = 0; c < z.Length; c++)
            {
                p[c] = MathF.Exp(z[c] - max);
                sum += p[c];
            }
            float inverse = 1f / sum;
            for (int c = 0; c < p.Length; c++) p[c] *= inverse;
        }
    }

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        var p = Matrix.Ensure(ref output, input.Rows, input.Cols);
        Apply(input, p);
        return p;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        Matrix p = output ?? throw new InvalidOperationException("Softmax: Backward called before Forward.");
        Matrix.RequireSameShape(p, outputGradient, nameof(outputGradient));
        var dz = Matrix.Ensure(ref inputGradient, p.Rows, p.Cols);
        for (int r = 0; r < p.Rows; r++)
        {
            ReadOnlySpan<float> pRow = p.Row(r), dpRow = outputGradient.Row(r);
            Span<float> dzRow = dz.Row(r);
            float dot = 0f;
            for (int c = 0; c < pRow.Length; c++) dot += dpRow[c] * pRow[c];
            for (int c = 0; c < pRow.Length; c++) dzRow[c] = pRow[c] * (dpRow[c] - dot);
        }
        return dz;
    }
}

using NeuralNet.Tensors;

namespace NeuralNet.Losses;

/// <summary>
/// The quadratic cost L = (1/2B) Σᵢ ‖outputᵢ − targetᵢ‖², with ∂L/∂output = (output − target) / B.
/// With class labels the target is the one-hot vector of the label.
/// </summary>
public sealed class MeanSquaredError : ILoss
{
    /// <inheritdoc/>
    public string Name => "MeanSquaredError";

    /// <inheritdoc/>
    public float Compute(Matrix output, ReadOnlySpan<int> labels, Matrix gradient)
    {
        LossChecks.RequireBatch(output, labels, gradient);
        double total = 0;
        float inverseBatch = 1f / output.Rows;
        for (int r = 0; r < output.Rows; r++)
        {
            ReadOnlySpan<float> o = output.Row(r);
            Span<float> d = gradient.Row(r);
            for (int c = 0; c < o.Length; c++)
            {
                float error = o[c] - (c == labels[r] ? 1f : 0f);
                total += 0.5 * error * error;
                d[c] = error * inverseBatch;
            }
        }
        return (float)(total / output.Rows);
    }

    /// <summary>The same loss against arbitrary targets (a regression), target of the output's shape.</summary>
    public float Compute(Matrix output, Matrix target, Matrix gradient)
    {
        Matrix.RequireSameShape(output, target, nameof(target));
        Matrix.RequireSameShape(output, gradient, nameof(gradient));
        double total = 0;
        float inverseBatch = 1f / output.Rows;
        ReadOnlySpan<float> o = output.Span, t = target.Span;
        Span<float> d = gradient.Span;
        for (int i = 0; i < o.Length; i++)
        {
            float error = o[i] - t[i];
            total += 0.5 * error * error;
            d[i] = error * inverseBatch;
        }
        return (float)(total / output.Rows);
    }
}

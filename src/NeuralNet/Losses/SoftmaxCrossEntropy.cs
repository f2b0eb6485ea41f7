using NeuralNet.Tensors;

namespace NeuralNet.Losses;

/// <summary>
/// Softmax followed by cross-entropy, fused: L = −(1/B) Σᵢ log pᵢ,yᵢ with p = softmax(z), computed from the
/// logits z with the log-sum-exp trick, and the famous gradient ∂L/∂z = (p − y) / B.
/// </summary>
/// <remarks>
/// log pᵢ,y = zᵢ,y − m − log Σⱼ e^(zᵢ,ⱼ − m) with m = maxⱼ zᵢ,ⱼ: no exponential ever exceeds 1, so large
/// logits cannot overflow, and the log never sees a zero.
/// </remarks>
public sealed class SoftmaxCrossEntropy : ILoss
{
    /// <inheritdoc/>
    public string Name => "SoftmaxCrossEntropy";

    /// <inheritdoc/>
    public float Compute(Matrix output, ReadOnlySpan<int> labels, Matrix gradient)
    {
        LossChecks.RequireBatch(output, labels, gradient);
        int batch = output.Rows;
        double totalLoss = 0;
        float inverseBatch = 1f / batch;
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<float> z = output.Row(r);
            Span<float> dz = gradient.Row(r);
            int label = labels[r];

            float max = float.NegativeInfinity;
            foreach (float value in z) max = MathF.Max(max, value);
            float sum = 0f;
            for (int c = 0; c < z.Length; c++)
            {
                dz[c] = MathF.Exp(z[c] - max);   // unnormalised probability, kept for the gradient
                sum += dz[c];
            }
            float logSumExp = max + MathF.Log(sum);
            totalLoss += logSumExp - z[label];   // −log p_label

            // dZ = (p − y) / B
            float scale = inverseBatch / sum;
            for (int c = 0; c < z.Length; c++) dz[c] *= scale;
            dz[label] -= inverseBatch;
        }
        return (float)(totalLoss / batch);
    }
}

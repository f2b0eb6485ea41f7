using NeuralNet.Tensors;

namespace NeuralNet.Losses;

internal static class LossChecks
{
    public static void RequireBatch(Matrix output, ReadOnlySpan<int> labels, Matrix gradient)
    {
        if (labels.Length != output.Rows)
            throw new ArgumentException($"The batch has {output.Rows} outputs but {labels.Length} labels.", nameof(labels));
        Matrix.RequireSameShape(output, gradient, nameof(gradient));
        foreach (int label in labels)
            if ((uint)label >= (uint)output.Cols)
                throw new ArgumentOutOfRangeException(nameof(labels), $"Label {label} is outside the {output.Cols} classes 0..{output.Cols - 1}.");
    }
}

namespace NeuralNet.Training;

/// <summary>The loss became NaN or infinite: the weights have blown up, usually from too large a learning rate.</summary>
public sealed class TrainingDivergedException(int epoch, int batch, double loss, double learningRate)
    : Exception($"The loss became {loss} at epoch {epoch}, batch {batch}: training diverged. " +
                $"Try a lower learning rate (it is {learningRate}; e.g. {learningRate / 10}), or gradient clipping.")
{
    /// <summary>The epoch (1-based) in which it happened.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The batch (1-based) within the epoch.</summary>
    public int Batch { get; } = batch;
}

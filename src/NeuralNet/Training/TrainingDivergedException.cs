namespace NeuralNet.Training;

/// <summary>
/// Training diverged: the loss became NaN or infinite, or an epoch's mean training loss exploded (see
/// <see cref="Trainer.DivergenceFactor"/>). The weights have blown up, usually from too large a learning rate.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>The loss of one batch was NaN or infinite.</summary>
    public TrainingDivergedException(int epoch, int batch, double loss, double learningRate)
        : base($"The loss became {loss} at epoch {epoch}, batch {batch}: training diverged. {Advice(learningRate)}")
    {
        Epoch = epoch;
        Batch = batch;
    }

    /// <summary>An epoch's mean training loss exploded relative to <paramref name="reference"/>.</summary>
    public TrainingDivergedException(int epoch, double meanLoss, double reference, double factor, double learningRate)
        : base($"The mean training loss of epoch {epoch} is {meanLoss:G3}, more than {factor:G} times {reference:0.###} " +
               $"(the first batch's loss, at least 1): training diverged. {Advice(learningRate)}")
    {
        Epoch = epoch;
    }

    /// <summary>The epoch (1-based) in which it happened.</summary>
    public int Epoch { get; }

    /// <summary>The batch (1-based) within the epoch; 0 when a whole epoch's mean loss was the sign.</summary>
    public int Batch { get; }

    private static string Advice(double learningRate) =>
        $"Try a lower learning rate (it is {learningRate}; e.g. {learningRate / 10}), or gradient clipping.";
}

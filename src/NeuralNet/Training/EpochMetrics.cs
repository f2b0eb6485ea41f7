namespace NeuralNet.Training;

/// <summary>What one epoch achieved. Train figures are averaged over the epoch's batches as they were trained.</summary>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double Seconds,
    double LearningRate)
{
    /// <summary>One line such as <c>epoch 3: train loss 0.0912 acc 97.31% | val loss 0.1021 acc 96.95% | 1.2 s</c>.</summary>
    public override string ToString() =>
        $"epoch {Epoch}: train loss {TrainLoss:0.0000} acc {TrainAccuracy:P2}" +
        (ValidationLoss is double vl ? $" | val loss {vl:0.0000} acc {ValidationAccuracy:P2}" : "") +
        $" | {Seconds:0.00} s";
}

namespace NeuralNet.Training;

/// <summary>The record of a training run: one <see cref="EpochMetrics"/> per epoch, and how it ended.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochMetrics> epochs = [];

    /// <summary>Per-epoch metrics in order.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => epochs;

    /// <summary>The epoch (1-based) with the lowest validation loss, whose weights the network holds after early stopping; null without validation.</summary>
    public int? BestEpoch { get; internal set; }

    /// <summary>Whether early stopping ended the run before the last epoch.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>Whether the run was cancelled (e.g. Ctrl+C) before it finished.</summary>
    public bool Cancelled { get; internal set; }

    /// <summary>
    /// Epochs that went through every batch. A cancelled run's last epoch may be partial: it is in
    /// <see cref="Epochs"/> but not counted here.
    /// </summary>
    public int CompletedEpochs { get; internal set; }

    /// <summary>Wall time of the whole run, in seconds.</summary>
    public double TotalSeconds => epochs.Sum(e => e.Seconds);

    /// <summary>Train loss per epoch (for plotting).</summary>
    public double[] TrainLoss => epochs.Select(e => e.TrainLoss).ToArray();

    /// <summary>Train accuracy per epoch.</summary>
    public double[] TrainAccuracy => epochs.Select(e => e.TrainAccuracy).ToArray();

    /// <summary>Validation loss per epoch (NaN where there was none).</summary>
    public double[] ValidationLoss => epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray();

    /// <summary>Validation accuracy per epoch (NaN where there was none).</summary>
    public double[] ValidationAccuracy => epochs.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray();

    /// <summary>Appends an epoch (the Trainer does this; a hand-written training loop can too).</summary>
    public void Add(EpochMetrics metrics) => epochs.Add(metrics);

    /// <inheritdoc/>
    public override string ToString() => string.Join(Environment.NewLine, epochs);
}

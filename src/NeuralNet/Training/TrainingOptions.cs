namespace NeuralNet.Training;

/// <summary>How to train: epochs, batch size, validation, early stopping, reproducibility.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per mini-batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// When no validation set is given to <see cref="Trainer.Fit"/>, this fraction of the training set is held
    /// out as one (0 disables validation).
    /// </summary>
    public double ValidationFraction { get; init; }

    /// <summary>Stop after this many epochs without a better validation loss, restoring the best weights (null: never stop early).</summary>
    public int? Patience { get; init; }

    /// <summary>The smallest drop in validation loss that counts as an improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>
    /// If set, the optimiser's learning rate follows this schedule: before every mini-batch the trainer sets
    /// it to <c>Schedule.RateAt(epochs done so far, fractional)</c>. Null keeps the optimiser's rate.
    /// </summary>
    public NeuralNet.Optimizers.LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// Lets the trainer pick the thread count: it times training steps on one thread and on
    /// <see cref="NeuralNet.Tensors.ComputeSettings.ThreadCount"/> threads every few hundred steps and trains on
    /// the faster, so a busy machine never makes training slower than one thread would be. The result is the
    /// same either way. False: always use <see cref="NeuralNet.Tensors.ComputeSettings.ThreadCount"/>.
    /// </summary>
    public bool ChooseThreads { get; init; } = true;

    /// <summary>
    /// If set, every training image is shifted and rotated at random each time it is drawn (see
    /// <see cref="NeuralNet.Data.ImageAugmenter"/>); validation images are left as they are. Null: no augmentation.
    /// </summary>
    public NeuralNet.Data.Augmentation? Augmentation { get; init; }

    /// <summary>Seeds the shuffling (and the validation split), so the same seed gives the same run.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws if a setting is out of range; the message names the setting.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1).");
        if (Patience is < 1) throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience must be at least 1.");
        Augmentation?.Validate();
    }
}

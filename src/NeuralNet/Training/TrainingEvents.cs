namespace NeuralNet.Training;

/// <summary>Reported after every mini-batch: enough for a progress bar with a running loss and a throughput.</summary>
public readonly record struct BatchProgress(int Epoch, int Batch, int BatchCount, double Loss, double RunningLoss, int SamplesSeen, double ElapsedSeconds);

/// <summary>Reported after every epoch, with the history so far (for a live chart).</summary>
public readonly record struct EpochProgress(EpochMetrics Metrics, int TotalEpochs, TrainingHistory History);

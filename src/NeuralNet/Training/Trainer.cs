using System.Diagnostics;
using NeuralNet.Data;
using NeuralNet.Engine;
using NeuralNet.Evaluation;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Training;

/// <summary>
/// Trains a network with mini-batch gradient descent: for each epoch, shuffle; for each batch, forward,
/// loss, backward, optimiser step; then measure on the validation set and decide whether to stop early.
/// </summary>
public sealed class Trainer(Sequential network, Optimizer optimizer, ILoss? loss = null, TrainingOptions? options = null)
{
    private Matrix? lossGradient;
    private int[]? predictions;

    /// <summary>The network being trained.</summary>
    public Sequential Network { get; } = network;

    /// <summary>The optimiser that applies the updates.</summary>
    public Optimizer Optimizer { get; } = optimizer;

    /// <summary>The loss (softmax cross-entropy on logits by default).</summary>
    public ILoss Loss { get; } = loss ?? new SoftmaxCrossEntropy();

    /// <summary>The training settings.</summary>
    public TrainingOptions Options { get; } = options ?? new TrainingOptions();

    /// <summary>
    /// How the kernels run while <see cref="Fit"/> trains: threads, worker pool, vector width. The context current
    /// when the trainer was created unless set; give each trainer its own to train networks side by side
    /// (<see cref="Fit"/> makes it current on its thread, and the thread chooser writes only into it).
    /// </summary>
    public ComputeContext Compute { get; init; } = ComputeContext.Current;

    /// <summary>Raised after every mini-batch.</summary>
    public event Action<BatchProgress>? BatchCompleted;

    /// <summary>Raised after every epoch.</summary>
    public event Action<EpochProgress>? EpochCompleted;

    /// <summary>
    /// Trains on <paramref name="train"/>, validating on <paramref name="validation"/> (or on a split of
    /// <paramref name="train"/> when <see cref="TrainingOptions.ValidationFraction"/> is set). Cancelling
    /// stops after the current batch; the network keeps the best weights seen if there was validation.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A batch's loss became NaN or infinite, or an epoch's mean
    /// training loss passed <see cref="DivergenceFactor"/> times the first batch's (taken as at least 1), whatever the optimiser.</exception>
    /// <exception cref="ArgumentException">The training set, or the validation set or split, has no images.</exception>
    public TrainingHistory Fit(ImageDataset train, ImageDataset? validation = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        if (train.FeatureCount != Network.InputSize)
            throw new ShapeMismatchException($"The network expects {Network.InputSize} inputs but {train.Name} has {train.FeatureCount} pixels per image.");
        if (train.Count == 0) throw new ArgumentException($"{train.Name} has no images to train on.", nameof(train));
        if (validation is null && Options.ValidationFraction > 0)
            (train, validation) = train.Split(Options.ValidationFraction, Options.Seed);
        if (validation is { Count: 0 } || train.Count == 0)
            throw new ArgumentException($"{train.Name}: the validation set or the training part of the split has no images; " +
                                        "use more images or another validation fraction.", nameof(validation));

        var history = new TrainingHistory();
        var random = new Random(Options.Seed);
        var sampler = new MiniBatchSampler(train, Options.BatchSize);
        // Its own seed, so switching augmentation on leaves the shuffling order as it was.
        ImageAugmenter? augmenter = Options.Augmentation is { } augmentation ? new ImageAugmenter(augmentation, train.Width, train.Height, Options.Seed + 1) : null;
        EarlyStopping? early = validation is null ? null : new EarlyStopping(Network, Options.Patience, Options.MinDelta);
        var clock = Stopwatch.StartNew();
        double? firstLoss = null;
        using ComputeContext.Scope computeScope = Compute.Use();
        // The faster of 1 and Compute.ThreadCount threads, timed again every few hundred steps.
        ThreadChooser? threads = Options.ChooseThreads && Compute.ThreadCount > 1 ? new(Compute.ThreadCount, context: Compute) : null;

        try
        {
            for (int epoch = 1; epoch <= Options.Epochs; epoch++)
            {
                double epochStart = clock.Elapsed.TotalSeconds;
                sampler.Shuffle(random);
                double lossSum = 0;
                long correct = 0;
                int seen = 0;
                for (int b = 0; b < sampler.BatchCount; b++)
                {
                    threads?.BeforeStep();
                    MiniBatch batch = sampler.GetBatch(b);
                    augmenter?.Apply(batch.Images); // the batch is the sampler's copy: the dataset stays untouched
                    if (Options.Schedule is { } schedule)
                        Optimizer.LearningRate = schedule.RateAt(epoch - 1 + (double)b / sampler.BatchCount);
                    (double batchLoss, int batchCorrect) = TrainStep(batch);
                    threads?.AfterStep();
                    if (!double.IsFinite(batchLoss))
                        throw new TrainingDivergedException(epoch, b + 1, batchLoss, Optimizer.LearningRate);
                    firstLoss ??= batchLoss;
                    lossSum += batchLoss * batch.Size;
                    correct += batchCorrect;
                    seen += batch.Size;
                    BatchCompleted?.Invoke(new BatchProgress(epoch, b + 1, sampler.BatchCount, batchLoss, lossSum / seen, seen, clock.Elapsed.TotalSeconds - epochStart));
                    if (cancellation.IsCancellationRequested) break;
                }
                if (seen == train.Count) history.CompletedEpochs = epoch;

                // Adam and momentum can run away without ever reaching ∞ (Adam's steps are bounded by the learning
                // rate): a mean loss far above the untrained network's is just as diverged.
                double reference = Math.Max(1, firstLoss ?? 1), meanLoss = lossSum / Math.Max(seen, 1);
                if (seen > 0 && meanLoss > DivergenceFactor * reference)
                    throw new TrainingDivergedException(epoch, meanLoss, reference, DivergenceFactor, Optimizer.LearningRate);

                (double Loss, double Accuracy)? validationResult = validation is null ? null : Evaluate(validation);
                var metrics = new EpochMetrics(epoch, lossSum / Math.Max(seen, 1), (double)correct / Math.Max(seen, 1),
                    validationResult?.Loss, validationResult?.Accuracy, clock.Elapsed.TotalSeconds - epochStart, Optimizer.LearningRate);
                history.Add(metrics);
                EpochCompleted?.Invoke(new EpochProgress(metrics, Options.Epochs, history));

                // Record the validation loss first, even for an epoch cut short: its weights may be the best so far.
                bool stop = early is not null && early.ShouldStop(epoch, validationResult!.Value.Loss);
                if (cancellation.IsCancellationRequested)
                {
                    history.Cancelled = true;
                    break;
                }
                if (stop)
                {
                    history.StoppedEarly = epoch < Options.Epochs;
                    break;
                }
            }
        }
        finally
        {
            threads?.Restore();
            threads?.Dispose();
        }

        if (early is not null)
        {
            early.RestoreBest();
            history.BestEpoch = early.BestEpoch;
        }
        return history;
    }

    /// <summary>
    /// Training stops as diverged when an epoch's mean training loss is more than this many times the first
    /// batch's loss (or 1, if that was smaller): 100, i.e. a cross-entropy above 230 on 10 classes, where an
    /// untrained network scores ln 10 ≈ 2.3.
    /// </summary>
    public const double DivergenceFactor = 100;

    /// <summary>One step of gradient descent on a batch; returns its loss and how many it classified right (before the update).</summary>
    public (double Loss, int Correct) TrainStep(MiniBatch batch)
    {
        Matrix output = Network.Forward(batch.Images, training: true);
        var gradient = Matrix.Ensure(ref lossGradient, output.Rows, output.Cols);
        float batchLoss = Loss.Compute(output, batch.Labels.Span, gradient);
        int correct = CountCorrect(output, batch.Labels.Span);
        Network.Backward(gradient, needInputGradient: false);   // nothing reads ∂L/∂pixels
        Optimizer.Step(Network.Parameters);
        return (batchLoss, correct);
    }

    /// <summary>Mean loss (this trainer's <see cref="Loss"/>) and accuracy of the network on a dataset, without training (<see cref="Metrics.Measure"/>).</summary>
    public (double Loss, double Accuracy) Evaluate(ImageDataset dataset)
    {
        DatasetEvaluation result = Metrics.Measure(Network, dataset, Loss);
        return (result.Loss, result.Accuracy);
    }

    private int CountCorrect(Matrix output, ReadOnlySpan<int> labels)
    {
        if (predictions is null || predictions.Length < output.Rows) predictions = new int[output.Rows];
        Span<int> predicted = predictions.AsSpan(0, output.Rows);
        MatrixOps.ArgMaxRows(output, predicted);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (predicted[i] == labels[i]) correct++;
        return correct;
    }
}

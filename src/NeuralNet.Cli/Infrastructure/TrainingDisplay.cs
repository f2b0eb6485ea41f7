using System.Diagnostics;
using NeuralNet.Data;
using NeuralNet.Training;
using Spectre.Console;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// Shows a training run: on a terminal a live progress bar per epoch (batches, running loss, samples/s,
/// time left), and everywhere a table row per epoch (train/validation loss and accuracy, seconds). When
/// output is not a terminal only the rows are printed: no escape codes in logs and pipes.
/// </summary>
public sealed class TrainingDisplay(CliHost host, int totalEpochs)
{
    private const string Header = "epoch   train loss  train acc   val loss    val acc   seconds   samples/s";

    /// <summary>Runs <see cref="Trainer.Fit"/> (cancelled by Ctrl+C) while showing its progress.</summary>
    public TrainingHistory Fit(Trainer trainer, ImageDataset train)
    {
        IAnsiConsole console = host.Console;
        console.WriteLine(Header);
        var samples = new Dictionary<int, int>();
        trainer.BatchCompleted += b => samples[b.Epoch] = b.SamplesSeen;
        trainer.EpochCompleted += e => console.WriteLine(Row(e.Metrics, samples.GetValueOrDefault(e.Metrics.Epoch)));

        if (!host.IsTerminal) return trainer.Fit(train, cancellation: host.Cancellation);

        TrainingHistory history = null!;
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                var throttle = Stopwatch.StartNew();
                bool stopping = false;
                trainer.BatchCompleted += b =>
                {
                    if (host.Cancellation.IsCancellationRequested && !stopping)
                    {
                        stopping = true;
                        console.MarkupLine("[yellow]Ctrl+C: stopping after this batch; the best model so far is saved if a full epoch has completed (Ctrl+C again to quit at once)[/]");
                    }
                    if (task is null || b.Batch == 1)
                    {
                        task?.StopTask();
                        task = context.AddTask(Describe(b), maxValue: b.BatchCount);
                    }
                    task.Value = b.Batch;
                    if (throttle.ElapsedMilliseconds >= 100 || b.Batch == b.BatchCount)
                    {
                        task.Description = Describe(b);
                        throttle.Restart();
                    }
                };
                trainer.EpochCompleted += e =>
                {
                    task?.StopTask();
                    task = null;
                };
                history = trainer.Fit(train, cancellation: host.Cancellation);
                task?.StopTask();
            });
        return history;
    }

    // "epoch 3/10  loss 0.1234  52,000 samples/s  run ETA 0:21"
    private string Describe(BatchProgress b)
    {
        double rate = b.ElapsedSeconds > 0 ? b.SamplesSeen / b.ElapsedSeconds : 0;
        double epochFraction = (double)b.Batch / b.BatchCount;
        double epochSeconds = epochFraction > 0 ? b.ElapsedSeconds / epochFraction : 0;
        double left = epochSeconds * (1 - epochFraction) + epochSeconds * (totalEpochs - b.Epoch);
        return $"epoch {b.Epoch}/{totalEpochs}  loss {b.RunningLoss:0.0000}  {rate,7:N0} samples/s  run ETA {TimeSpan.FromSeconds(Math.Round(left)):m\\:ss}";
    }

    /// <summary>One row of the epoch table.</summary>
    public static string Row(EpochMetrics m, int samples) =>
        $"{m.Epoch,5}   {m.TrainLoss,10:0.0000}  {Format.Percent(m.TrainAccuracy),9}   " +
        $"{(m.ValidationLoss is double vl ? vl.ToString("0.0000") : "—"),8}   {(m.ValidationAccuracy is double va ? Format.Percent(va) : "—"),8}   " +
        $"{m.Seconds,7:0.00}   {(m.Seconds > 0 ? samples / m.Seconds : 0),9:N0}";
}

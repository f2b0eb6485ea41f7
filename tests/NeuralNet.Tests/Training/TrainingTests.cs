using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

[Collection("ComputeSettings")] // sets the process-wide ComputeSettings.ThreadCount
public class TrainingTests
{
    [Fact]
    public void A_small_network_learns_xor()
    {
        var xor = new ImageDataset("xor", Matrix.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }),
            [0, 1, 1, 0], 1, 2, ["false", "true"]);
        var random = new Random(3);
        var net = new Sequential(new Linear(2, 8, Init.Xavier, random), new Tanh(), new Linear(8, 2, Init.Xavier, random));

        TrainingHistory history = new Trainer(net, new Adam(0.05), options: new TrainingOptions { Epochs = 300, BatchSize = 4 }).Fit(xor);

        Assert.Equal([0, 1, 1, 0], net.Predict(xor.Images));
        Assert.True(history.Epochs[^1].TrainLoss < 0.05, $"final loss {history.Epochs[^1].TrainLoss}");
    }

    [Fact]
    public void Untrained_network_loss_is_about_ln_10()
    {
        (ImageDataset _, ImageDataset? test) = TestData.Mnist;
        ImageDataset sample = test.Take(2000);
        var net = Sequential.Mlp(784, [128, 64], 10, seed: 1);
        (double loss, double _) = new Trainer(net, new Adam()).Evaluate(sample);
        // Uniform predictions would give exactly ln 10. Random logits with spread σ add about σ²/2
        // (here σ ≈ 0.4 from the Xavier output layer), so the loss sits a little above ln 10.
        Assert.InRange(loss, Math.Log(10), Math.Log(10) + 0.15);
    }

    [Fact]
    public void One_epoch_of_mnist_with_adam_reaches_95_percent()
    {
        (ImageDataset? train, ImageDataset? test) = TestData.Mnist;
        var net = Sequential.Mlp(784, [128, 64], 10, seed: 42);

        new Trainer(net, new Adam(1e-3), options: new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 42 }).Fit(train);
        double accuracy = Metrics.Evaluate(net, test).Accuracy;

        Assert.True(accuracy >= 0.95, $"test accuracy {accuracy:P2}");
    }

    [Fact]
    public void Training_is_reproducible_for_a_fixed_seed()
    {
        (ImageDataset? train, ImageDataset _) = TestData.Mnist;
        ImageDataset subset = train.Take(3000);
        float[][] Run()
        {
            var net = Sequential.Mlp(784, [32], 10, seed: 7);
            new Trainer(net, new Adam(1e-3), options: new TrainingOptions { Epochs = 2, BatchSize = 50, Seed = 11, ValidationFraction = 0.1 }).Fit(subset);
            return net.Parameters.Select(p => p.Value.Span.ToArray()).ToArray();
        }

        float[][] first = Run(), second = Run();

        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], second[i]);
    }

    [Fact]
    public void Choosing_the_thread_count_while_training_does_not_change_the_result()
    {
        (ImageDataset? train, ImageDataset _) = TestData.Mnist;
        ImageDataset subset = train.Take(6400); // 100 batches: three trials that switch between 1 and 2 threads
        int saved = ComputeSettings.ThreadCount;
        float[][] Run(int threads, bool choose)
        {
            ComputeSettings.ThreadCount = threads;
            var net = Sequential.Mlp(784, [128, 64], 10, seed: 7);
            new Trainer(net, new Adam(1e-3), options: new TrainingOptions { Epochs = 2, BatchSize = 64, Seed = 11, ChooseThreads = choose }).Fit(subset);
            Assert.Equal(threads, ComputeSettings.ThreadCount); // restored after training
            return net.Parameters.Select(p => p.Value.Span.ToArray()).ToArray();
        }
        try
        {
            float[][] single = Run(1, choose: false), chosen = Run(2, choose: true);
            for (int i = 0; i < single.Length; i++) Assert.Equal(single[i], chosen[i]);
        }
        finally
        {
            ComputeSettings.ThreadCount = saved;
        }
    }

    [Fact]
    public void Early_stopping_stops_and_restores_the_best_epoch()
    {
        // 200 training images and plain SGD with a large step overfit fast: validation loss turns up.
        (ImageDataset? train, ImageDataset? test) = TestData.Mnist;
        var net = Sequential.Mlp(784, [64], 10, seed: 3);
        var trainer = new Trainer(net, new Adam(0.01), options: new TrainingOptions { Epochs = 60, BatchSize = 20, Patience = 3 });

        TrainingHistory history = trainer.Fit(train.Take(200), test.Take(1000));

        Assert.True(history.StoppedEarly, "validation loss should stop improving long before 60 epochs");
        int best = history.BestEpoch!.Value;
        Assert.Equal(best + 3, history.Epochs.Count);
        double bestLoss = history.Epochs.Min(e => e.ValidationLoss!.Value);
        Assert.Equal(bestLoss, history.Epochs[best - 1].ValidationLoss!.Value);
        Assert.Equal(bestLoss, trainer.Evaluate(test.Take(1000)).Loss, 1e-5);
    }

    [Fact]
    public void A_nan_loss_stops_training_naming_epoch_batch_and_learning_rate()
    {
        ImageDataset data = TestData.Random(40, 3, 3, seed: 1);
        data.Images[25, 4] = float.NaN; // lands in some batch of the first epoch
        var net = Sequential.Mlp(9, [4], 3, seed: 1);

        TrainingDivergedException e = Assert.Throws<TrainingDivergedException>(() =>
            new Trainer(net, new Sgd(0.1), options: new TrainingOptions { Epochs = 2, BatchSize = 10 }).Fit(data));

        Assert.Equal(1, e.Epoch);
        Assert.Contains("epoch 1, batch", e.Message);
        Assert.Contains("lower learning rate", e.Message);
    }

    [Fact]
    public void Events_report_every_batch_and_epoch()
    {
        ImageDataset data = TestData.Random(50, 2, 2, seed: 2);
        var trainer = new Trainer(Sequential.Mlp(4, [3], 2), new Sgd(), options: new TrainingOptions { Epochs = 2, BatchSize = 16 });
        var batches = new List<BatchProgress>();
        var epochs = new List<EpochProgress>();
        trainer.BatchCompleted += batches.Add;
        trainer.EpochCompleted += epochs.Add;

        trainer.Fit(data);

        Assert.Equal(8, batches.Count); // 4 batches (16, 16, 16, 2) per epoch
        Assert.Equal(50, batches[3].SamplesSeen);
        Assert.Equal([1, 2], epochs.Select(e => e.Metrics.Epoch));
    }

    [Fact]
    public void Cancelling_stops_after_the_current_batch()
    {
        ImageDataset data = TestData.Random(100, 2, 2, seed: 2);
        var trainer = new Trainer(Sequential.Mlp(4, [3], 2), new Sgd(), options: new TrainingOptions { Epochs = 5, BatchSize = 10 });
        using var cancellation = new CancellationTokenSource();
        int seen = 0;
        trainer.BatchCompleted += _ => { if (++seen == 3) cancellation.Cancel(); };

        TrainingHistory history = trainer.Fit(data, cancellation: cancellation.Token);

        Assert.Equal(3, seen);
        Assert.True(history.Cancelled);
        Assert.Single(history.Epochs);
    }

    [Fact]
    public void Mean_squared_error_can_train_a_classifier_too()
    {
        (ImageDataset? train, ImageDataset? test) = TestData.Mnist;
        // Regressing the one-hot vector with a linear output: slower to learn than cross-entropy, but it learns.
        var net = Sequential.Mlp(784, [64], 10, seed: 1);
        new Trainer(net, new Adam(1e-3), new MeanSquaredError(), new TrainingOptions { Epochs = 2 }).Fit(train.Take(10000));
        double accuracy = Metrics.Evaluate(net, test.Take(2000)).Accuracy;
        Assert.True(accuracy > 0.85, $"accuracy {accuracy:P2}");
    }
}

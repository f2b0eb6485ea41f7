using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

public class DivergenceAndInterruptionTests
{
    // The softmax cross-entropy's gradient, but a reported loss that explodes (finitely) after the first batch.
    private sealed class ExplodingLoss : ILoss
    {
        private readonly SoftmaxCrossEntropy inner = new();
        private int calls;

        public string Name => "exploding";

        public float Compute(Matrix output, ReadOnlySpan<int> labels, Matrix gradient)
        {
            float loss = inner.Compute(output, labels, gradient);
            return calls++ == 0 ? loss : 4e19f;
        }
    }

    [Fact]
    public void A_finite_but_exploding_loss_stops_training_as_diverged()
    {
        ImageDataset data = TestData.Random(64, 4, 3, seed: 1);
        var trainer = new Trainer(Sequential.Mlp(16, [8], 3), new Adam(0.001), new ExplodingLoss(), new TrainingOptions { Epochs = 3, BatchSize = 16 });

        TrainingDivergedException e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));

        Assert.Equal(1, e.Epoch);
        Assert.Equal(0, e.Batch);
        Assert.Contains("more than 100 times", e.Message);
    }

    [Fact]
    public void Adam_with_a_learning_rate_of_a_million_is_stopped_as_diverged()
    {
        ImageDataset data = TestData.Random(256, 8, 10, seed: 2);
        var trainer = new Trainer(Sequential.Mlp(64, [32], 10, seed: 3), new Adam(1e6), options: new TrainingOptions { Epochs = 5, BatchSize = 32 });

        Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));
    }

    [Fact]
    public void Ordinary_training_is_not_called_diverged()
    {
        ImageDataset data = TestData.Random(256, 8, 10, seed: 2);
        var trainer = new Trainer(Sequential.Mlp(64, [32], 10, seed: 3), new Adam(0.01), options: new TrainingOptions { Epochs = 3, BatchSize = 32 });

        TrainingHistory history = trainer.Fit(data);

        Assert.Equal(3, history.CompletedEpochs);
    }

    [Fact]
    public void An_empty_training_set_or_validation_split_is_refused()
    {
        var network = Sequential.Mlp(16, [4], 3);
        var trainer = new Trainer(network, new Sgd(0.1), options: new TrainingOptions { ValidationFraction = 0.1 });

        Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.Random(0, 4, 3, seed: 1)));
        Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.Random(3, 4, 3, seed: 1)));   // 10% of 3 rounds to 0
    }

    [Fact]
    public void A_run_cancelled_in_its_first_epoch_has_no_completed_epoch()
    {
        ImageDataset data = TestData.Random(64, 4, 3, seed: 1);
        var trainer = new Trainer(Sequential.Mlp(16, [8], 3), new Sgd(0.1), options: new TrainingOptions { Epochs = 3, BatchSize = 16 });
        using var stop = new CancellationTokenSource();
        trainer.BatchCompleted += b => { if (b.Epoch == 1 && b.Batch == 1) stop.Cancel(); };

        TrainingHistory history = trainer.Fit(data, cancellation: stop.Token);

        Assert.True(history.Cancelled);
        Assert.Single(history.Epochs);
        Assert.Equal(0, history.CompletedEpochs);
    }

    [Fact]
    public void A_run_cancelled_in_its_second_epoch_has_one_completed_epoch()
    {
        ImageDataset data = TestData.Random(64, 4, 3, seed: 1);
        var trainer = new Trainer(Sequential.Mlp(16, [8], 3), new Sgd(0.1), options: new TrainingOptions { Epochs = 3, BatchSize = 16 });
        using var stop = new CancellationTokenSource();
        trainer.BatchCompleted += b => { if (b.Epoch == 2 && b.Batch == 1) stop.Cancel(); };

        TrainingHistory history = trainer.Fit(data, cancellation: stop.Token);

        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(1, history.CompletedEpochs);
    }
}

using System.CommandLine;
using System.Diagnostics;
using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Serialization;
using NeuralNet.Training;

namespace NeuralNet.Cli.Commands;

/// <summary><c>nn train</c>: trains a dense network on MNIST (or Fashion-MNIST) and reports test accuracy.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist or fashion-mnist", DefaultValueFactory = _ => "mnist" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Dataset cache folder (default: $NEURALNET_DATA, else the repository's data/)" };
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer sizes, comma-separated", DefaultValueFactory = _ => "128,64" };
        var activation = new Option<string>("--activation") { Description = "relu, sigmoid or tanh", DefaultValueFactory = _ => "relu" };
        var init = new Option<string>("--init") { Description = "he or xavier", DefaultValueFactory = _ => "he" };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, momentum or adam", DefaultValueFactory = _ => "adam" };
        var learningRate = new Option<double?>("--learning-rate", "--lr") { Description = "Step size (default: 0.001 for adam, 0.05 momentum, 0.1 sgd)" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per mini-batch", DefaultValueFactory = _ => 64 };
        var validation = new Option<double>("--validation") { Description = "Fraction of the training set held out for validation", DefaultValueFactory = _ => 0.1 };
        var patience = new Option<int?>("--patience") { Description = "Early stopping: epochs without validation improvement", DefaultValueFactory = _ => 3 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay λ", DefaultValueFactory = _ => 0.0 };
        var seed = new Option<int>("--seed") { Description = "Random seed for weights and shuffling", DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--model") { Description = "Where to save the trained model", DefaultValueFactory = _ => Path.Combine("out", "model.nnm") };

        var command = new Command("train", "Train a dense network and print its test accuracy.")
        {
            dataset, dataDir, hidden, activation, init, optimizer, learningRate, epochs, batchSize, validation, patience, weightDecay, seed, output,
        };
        command.SetAction(parse =>
        {
            string optimizerName = parse.GetValue(optimizer)!;
            var settings = new TrainSettings(
                Datasets.Parse(parse.GetValue(dataset)!),
                parse.GetValue(dataDir),
                ParseSizes(parse.GetValue(hidden)!),
                Activations.Parse(parse.GetValue(activation)!),
                Init.Parse(parse.GetValue(init)!),
                Optimizer.Create(optimizerName, parse.GetValue(learningRate) ?? Optimizer.DefaultLearningRate(optimizerName), parse.GetValue(weightDecay)),
                new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    ValidationFraction = parse.GetValue(validation),
                    Patience = parse.GetValue(patience),
                    Seed = parse.GetValue(seed),
                },
                parse.GetValue(output)!);
            return Run(settings);
        });
        return command;
    }

    private sealed record TrainSettings(DatasetDefinition Dataset, string? DataDirectory, int[] Hidden, Activation Activation,
        IInitializer Initializer, Optimizer Optimizer, TrainingOptions Options, string ModelPath);

    private static int Run(TrainSettings s)
    {
        Console.WriteLine($"Loading {s.Dataset.Name} ...");
        var (train, test) = DatasetStore.Load(s.Dataset, s.DataDirectory, log: Console.WriteLine);
        var network = Sequential.Mlp(train.FeatureCount, s.Hidden, train.ClassCount, s.Activation, s.Initializer, s.Options.Seed);
        Console.WriteLine($"Network {train.FeatureCount}-{string.Join("-", s.Hidden)}-{train.ClassCount} ({network.ParameterCount:N0} parameters), " +
                          $"{s.Optimizer.Name} lr {s.Optimizer.LearningRate}, batch {s.Options.BatchSize}, {s.Options.Epochs} epochs, seed {s.Options.Seed}");

        var trainer = new Trainer(network, s.Optimizer, options: s.Options);
        trainer.EpochCompleted += e => Console.WriteLine(e.Metrics);
        var clock = Stopwatch.StartNew();
        TrainingHistory history = trainer.Fit(train);
        clock.Stop();

        ConfusionMatrix confusion = Metrics.Evaluate(network, test);
        ModelFile.Save(network, s.ModelPath);
        double perEpoch = history.Epochs.Average(e => e.Seconds);
        Console.WriteLine($"Trained {history.Epochs.Count} epochs in {clock.Elapsed.TotalSeconds:0.0} s ({perEpoch:0.00} s per epoch)" +
                          (history.BestEpoch is int best ? $", best validation epoch {best}" : ""));
        Console.WriteLine($"Model saved to {s.ModelPath}");
        Console.WriteLine($"Test accuracy: {confusion.Accuracy:P2} ({test.Count} images)");
        return 0;
    }

    private static int[] ParseSizes(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, out int size) && size > 0 ? size
                : throw new ArgumentException($"--hidden: '{part}' is not a positive layer size (expected e.g. 128,64)."))
            .ToArray();
}

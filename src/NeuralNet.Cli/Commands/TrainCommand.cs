using System.CommandLine;
using System.Diagnostics;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Cli.Reports;
using NeuralNet.Data;
using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;
using NeuralNet.Training;
using Spectre.Console;

namespace NeuralNet.Cli.Commands;

/// <summary>
/// <c>nn train</c>: trains a dense network (or, with <c>--model cnn</c>, the chapter-06 CNN) with every hyper-parameter an option (defaults: the library's),
/// shows a live progress bar and a row per epoch, and writes the model file and an HTML report.
/// Ctrl+C stops after the current batch and saves the best model so far, but only once a full epoch has
/// completed, and never over an existing model: that one stays, and the run's model goes beside it
/// (<c>model.interrupted.nnm</c>). Stopped before a full epoch, nothing is written (exit code 130).
/// </summary>
public static class TrainCommand
{
    /// <summary>The model's file name inside <c>--out</c>.</summary>
    public const string ModelFileName = "model.nnm";

    /// <summary>The most units <c>--hidden</c> accepts for one layer (1,000,000).</summary>
    public const int MaxHiddenSize = 1_000_000;

    public static Command Create(CliHost host)
    {
        var defaults = new TrainingOptions();
        Option<string> dataset = DatasetSource.DatasetOption();
        Option<string?> dataDir = DatasetSource.DataDirOption();
        Option<string> architecture = Choice("--model", "Network: mlp (dense; --hidden, --activation and --init shape it) or cnn (the chapter-06 convolutional network: slower, more accurate)",
            Architectures.Mlp, Architectures.Names);
        var augment = new Option<bool>("--augment") { Description = $"Shift and rotate every training image at random each epoch ({new Augmentation()})" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Train on the first N training images only (quick trials)", HelpName = "N" };
        trainLimit.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--train-limit must be at least 1."); });
        var hidden = new Option<string>("--hidden")
        {
            Description = "Hidden layer sizes of the mlp, comma-separated ('none' for plain softmax regression)",
            HelpName = "sizes",
            DefaultValueFactory = _ => "128,64",
        };
        hidden.Validators.Add(r => { if (ParseSizes(r.GetValueOrDefault<string>() ?? "") is { Error: string error }) r.AddError(error); });
        Option<string> activation = Choice("--activation", "Activation after each hidden layer", "relu", [.. Activations.Names]);
        Option<string> init = Choice("--init", "Weight initialisation of the hidden layers (the output layer uses xavier)", "he", "he", "xavier");
        Option<string> optimizer = Choice("--optimizer", "Optimiser (adamw: weight decay decoupled from the gradient)", "adam", [.. Optimizer.Names]);
        string defaultRates = string.Join(", ", Optimizer.Names.Select(n => FormattableString.Invariant($"{n} {Optimizer.DefaultLearningRate(n)}")));
        var learningRate = new Option<double?>("--learning-rate", "--lr") { Description = $"Step size (default: {defaultRates})" };
        var epochs = new Option<int>("--epochs", "-e") { Description = "Passes over the training set", DefaultValueFactory = _ => defaults.Epochs };
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "Samples per mini-batch", DefaultValueFactory = _ => defaults.BatchSize };
        var validation = new Option<double>("--validation") { Description = "Fraction of the training set held out for validation (0: none)", DefaultValueFactory = _ => 0.1 };
        var patience = new Option<int>("--patience") { Description = "Early stopping: epochs without a better validation loss (0: never stop early)", DefaultValueFactory = _ => 3 };
        Option<string> schedule = Choice("--schedule", "Learning-rate schedule over the epochs: cosine decays it smoothly to 0, step halves it every 3 epochs, constant keeps it", "cosine", "cosine", "step", "constant");
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay λ", DefaultValueFactory = _ => 0.0 };
        var seed = new Option<int>("--seed") { Description = "Random seed for weights, split and shuffling", DefaultValueFactory = _ => defaults.Seed };
        var threads = new Option<string>("--threads", "-t")
        {
            Description = $"Threads for the compute kernels: a number, or auto (the faster of 1 and all {Environment.ProcessorCount} cores, timed while training)",
            DefaultValueFactory = _ => "auto",
        };
        var output = new Option<string>("--out", "-o") { Description = $"Folder for {ModelFileName} and {HtmlReport.FileName}", DefaultValueFactory = _ => "out" };
        var model = new Option<string?>("--model-file") { Description = $"Model file path (default: OUT/{ModelFileName})" };
        var noReport = new Option<bool>("--no-report") { Description = "Do not write the HTML report" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of tables" };

        Positive(epochs, batchSize);
        NonNegative(patience);
        threads.Validators.Add(r =>
        {
            string value = r.GetValueOrDefault<string>() ?? "auto";
            if (value != "auto" && ParseThreads(value) is not >= 1) r.AddError($"--threads must be auto or a whole number of at least 1, not '{value}'.");
        });
        // Written as "not inside the range" so that NaN, which fails every comparison, is refused too.
        validation.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() is >= 0 and < 1)) r.AddError("--validation must be in [0, 1)."); });
        weightDecay.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() is >= 0 and < double.PositiveInfinity)) r.AddError("--weight-decay must be a finite number, 0 or more."); });
        learningRate.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is double v && !(v is > 0 and < double.PositiveInfinity)) r.AddError("--learning-rate must be a positive finite number."); });

        var command = new Command("train", "Train a network (dense or convolutional), print its test accuracy, write the model and an HTML report.")
        {
            dataset, dataDir, architecture, augment, trainLimit, hidden, activation, init, optimizer, learningRate, schedule, epochs, batchSize, validation, patience,
            weightDecay, seed, threads, output, model, noReport, json,
        };
        command.SetGuardedAction(host, parse =>
        {
            string optimizerName = parse.GetValue(optimizer)!;
            string outDir = parse.GetValue(output)!;
            var settings = new TrainSettings(
                parse.GetValue(dataset)!,
                parse.GetValue(dataDir),
                parse.GetValue(architecture)!,
                parse.GetValue(trainLimit),
                ParseSizes(parse.GetValue(hidden)!).Sizes,
                parse.GetValue(activation)!,
                parse.GetValue(init)!,
                optimizerName,
                parse.GetValue(learningRate) ?? Optimizer.DefaultLearningRate(optimizerName),
                parse.GetValue(weightDecay),
                new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    ValidationFraction = parse.GetValue(validation),
                    Patience = parse.GetValue(patience) is int p and > 0 ? p : null,
                    Seed = parse.GetValue(seed),
                    Augmentation = parse.GetValue(augment) ? new Augmentation() : null,
                    ChooseThreads = ParseThreads(parse.GetValue(threads)!) is null,
                    Schedule = CreateSchedule(parse.GetValue(schedule)!, parse.GetValue(learningRate) ?? Optimizer.DefaultLearningRate(optimizerName), parse.GetValue(epochs)),
                },
                ParseThreads(parse.GetValue(threads)!),
                outDir,
                parse.GetValue(model) ?? Path.Combine(outDir, ModelFileName),
                !parse.GetValue(noReport),
                parse.GetValue(json));
            return Run(host, settings);
        });
        return command;
    }

    private static string ThreadsText(TrainSettings s) =>
        s.Threads is null && ComputeSettings.ThreadCount > 1 ? $"auto (1 or {ComputeSettings.ThreadCount} threads)" : $"{ComputeSettings.ThreadCount} threads";

    // "auto" (or anything not a number, which the validator rejects) is null: the trainer chooses.
    private static int? ParseThreads(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) ? count : null;

    // Decaying the step size lets the last epochs settle into a minimum instead of bouncing around it.
    private static LearningRateSchedule? CreateSchedule(string name, double rate, int epochs) => name switch
    {
        "cosine" => LearningRateSchedule.Cosine(rate, epochs),
        "step" => LearningRateSchedule.Step(rate, every: 3, factor: 0.5),
        _ => null,
    };

    /// <summary>Everything <c>nn train</c> was asked to do.</summary>
    public sealed record TrainSettings(string Dataset, string? DataDirectory, string Model, int? TrainLimit, int[] Hidden, string Activation, string Init,
        string Optimizer, double LearningRate, double WeightDecay, TrainingOptions Options, int? Threads, string OutDirectory,
        string ModelPath, bool WriteReport, bool Json);

    private static int Run(CliHost host, TrainSettings s)
    {
        if (s.Threads is int threadCount) ComputeSettings.ThreadCount = threadCount;
        IAnsiConsole console = host.Console;
        // Everything that can be checked before training is: where the files go, the data, the network's size.
        string modelOption = s.ModelPath == Path.Combine(s.OutDirectory, ModelFileName) ? "--out" : "--model-file";
        OutputLocation.RequireWritableFile(s.ModelPath, modelOption);
        if (s.WriteReport) OutputLocation.RequireWritableFolder(s.OutDirectory, "--out");
        if (!s.Json) console.WriteLine($"Loading {s.Dataset} ...");
        LoadedData data = DatasetSource.Load(host, s.Dataset, s.DataDirectory, quiet: s.Json);
        if (s.TrainLimit is int limit) data = data with { Train = data.Train.Take(limit) };
        CheckSplit(data, s.Options.ValidationFraction);
        if (s.Model == Architectures.Mlp) CheckNetworkSize(data.Train.FeatureCount, s.Hidden, data.Train.ClassCount);
        if (host.Cancellation.IsCancellationRequested) return NothingSaved(host, s, "before training started");

        Sequential network = Architectures.Build(s.Model, data.Train, s.Hidden, s.Activation, s.Init, s.Options.Seed);
        var optimizer = Optimizer.Create(s.Optimizer, s.LearningRate, s.WeightDecay);
        string architecture = Architectures.Describe(s.Model, data.Train, s.Hidden);
        if (!s.Json)
        {
            console.WriteLine($"{data.Name}: {data.Train.Count:N0} training images, {data.Test.Count:N0} test images, {data.Train.ClassCount} classes");
            console.WriteLine(s.Model == Architectures.Cnn
                ? $"Network {architecture} ({network.ParameterCount:N0} parameters)"
                : $"Network {architecture} ({network.ParameterCount:N0} parameters), {s.Activation}, {s.Init} init");
            if (s.Options.Augmentation is { } augmentation) console.WriteLine($"Augmentation: {augmentation}");
            console.WriteLine($"{optimizer.Name} lr {s.LearningRate}{(s.Options.Schedule is { } sch ? $" ({sch.Name})" : "")}{(s.WeightDecay > 0 ? $", weight decay {s.WeightDecay}" : "")}, batch {s.Options.BatchSize}, " +
                              $"{s.Options.Epochs} epochs, validation {Format.Percent(s.Options.ValidationFraction, 0)}, patience {(s.Options.Patience?.ToString() ?? "off")}, " +
                              $"seed {s.Options.Seed}, {ThreadsText(s)}");
        }

        var trainer = new Trainer(network, optimizer, options: s.Options);
        var clock = Stopwatch.StartNew();
        TrainingHistory history = s.Json
            ? trainer.Fit(data.Train, cancellation: host.Cancellation)
            : new TrainingDisplay(host, s.Options.Epochs).Fit(trainer, data.Train);
        clock.Stop();

        // An interrupted run never replaces a model with a less-trained one: nothing is saved before a full
        // epoch, and a model already at the target stays, with this run's saved beside it.
        if (history.Cancelled && history.CompletedEpochs == 0) return NothingSaved(host, s, "before the first epoch finished");
        string? keptModel = history.Cancelled && File.Exists(s.ModelPath) ? s.ModelPath : null;
        s = keptModel is null ? s : s with { ModelPath = InterruptedPath(s.ModelPath) };
        var test = EvaluationResult.Of(network, data.Test, s.ModelPath);
        ModelFile.Save(network, s.ModelPath);
        string? reportPath = null;
        if (s.WriteReport)
        {
            List<(string, string)> settings = Describe(s, data, architecture, network, optimizer, history, clock.Elapsed.TotalSeconds);
            reportPath = HtmlReport.Write(s.OutDirectory, $"nn train — {data.Name}, {architecture}", settings, history, test);
        }

        if (s.Json)
        {
            Json.Write(host, new
            {
                dataset = data.Name,
                architecture,
                parameters = network.ParameterCount,
                settings = new
                {
                    model = s.Model, augment = s.Options.Augmentation is not null, trainLimit = s.TrainLimit,
                    hidden = s.Hidden, activation = s.Activation, init = s.Init, optimizer = s.Optimizer, learningRate = s.LearningRate,
                    weightDecay = s.WeightDecay, epochs = s.Options.Epochs, batchSize = s.Options.BatchSize,
                    validation = s.Options.ValidationFraction, patience = s.Options.Patience, seed = s.Options.Seed, threads = s.Threads?.ToString() ?? "auto", maxThreads = ComputeSettings.ThreadCount,
                },
                epochs = history.Epochs.Select(e => new
                {
                    epoch = e.Epoch, trainLoss = e.TrainLoss, trainAccuracy = e.TrainAccuracy,
                    validationLoss = e.ValidationLoss, validationAccuracy = e.ValidationAccuracy, seconds = e.Seconds,
                }),
                bestEpoch = history.BestEpoch,
                stoppedEarly = history.StoppedEarly,
                cancelled = history.Cancelled,
                seconds = clock.Elapsed.TotalSeconds,
                test = test.ToJson(),
                model = Path.GetFullPath(s.ModelPath),
                keptModel = keptModel is null ? null : Path.GetFullPath(keptModel),
                report = reportPath is null ? null : Path.GetFullPath(reportPath),
            });
            return ExitCodes.Success;
        }

        double perEpoch = history.Epochs.Count == 0 ? 0 : history.Epochs.Average(e => e.Seconds);
        string ending = history.Cancelled ? " (stopped by Ctrl+C)" : history.StoppedEarly ? " (stopped early)" : "";
        console.WriteLine($"Trained {history.Epochs.Count} epochs in {clock.Elapsed.TotalSeconds:0.0} s ({perEpoch:0.00} s per epoch){ending}" +
                          (history.BestEpoch is int best ? $", kept the weights of epoch {best} (best validation loss)" : ""));
        console.WriteLine(keptModel is null ? $"Model saved to {s.ModelPath}"
            : $"Model saved to {s.ModelPath}; the interrupted run left {keptModel} as it was (replace it by hand if this one is better)");
        if (reportPath is not null) console.WriteLine($"Report written to {reportPath}");
        console.WriteLine($"Test accuracy: {Format.Percent(test.Report.Accuracy)} ({test.Dataset.Count} images)");
        return ExitCodes.Success;
    }

    // The file an interrupted run writes when a model is already at the target: model.nnm → model.interrupted.nnm.
    private static string InterruptedPath(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(modelPath) ?? "", Path.GetFileNameWithoutExtension(modelPath) + ".interrupted" + Path.GetExtension(modelPath));

    private static int NothingSaved(CliHost host, TrainSettings s, string when)
    {
        host.Error.WriteLine($"Stopped by Ctrl+C {when}: nothing saved" +
                             (File.Exists(s.ModelPath) ? $" ({s.ModelPath} is left as it was)." : "."));
        return ExitCodes.Interrupted;
    }

    // The validation split must leave images on both sides (Trainer would refuse it later, after loading).
    private static void CheckSplit(LoadedData data, double fraction)
    {
        if (fraction == 0) return;
        int held = (int)Math.Round(data.Train.Count * fraction);
        if (held < 1 || held >= data.Train.Count)
            throw new UsageException($"--validation {fraction}: holds out {held} of the {data.Train.Count} training images, " +
                                     "which leaves no validation or no training images; choose another fraction, or 0 for none.");
    }

    // Every weight matrix must fit an array, and the whole network (weights, gradients, Adam's two moments) the memory.
    private static void CheckNetworkSize(int inputs, int[] hidden, int outputs)
    {
        long total = 0;
        int width = inputs;
        foreach (int size in hidden.Append(outputs))
        {
            long weights = (long)width * size;
            if (weights > Array.MaxLength)
                throw new UsageException($"--hidden: a layer of {width} x {size} = {weights:N0} weights is more than one array can hold ({Array.MaxLength:N0}).");
            total += weights + size;
            width = size;
        }
        long bytes = total * 4 * sizeof(float);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
            throw new UsageException($"--hidden: the network has {total:N0} parameters and needs about {bytes / 1e9:0.#} GB " +
                                     $"(weights, gradients and the optimiser's state), more than the {available / 1e9:0.#} GB available.");
    }

    private static List<(string, string)> Describe(TrainSettings s, LoadedData data, string architecture, Sequential network,
        Optimizer optimizer, TrainingHistory history, double seconds) =>
    [
        ("dataset", $"{data.Name} ({data.Train.Count:N0} train, {data.Test.Count:N0} test) from {data.Folder}"),
        ("network", $"{architecture}: {network}, {network.ParameterCount:N0} parameters"),
        ("augmentation", s.Options.Augmentation?.ToString() ?? "none"),
        ("activation", s.Model == Architectures.Cnn ? "relu (the cnn's own)" : s.Activation),
        ("initialisation", s.Model == Architectures.Cnn ? "he (output layer: xavier)" : $"{s.Init} (output layer: xavier)"),
        ("optimiser", optimizer.Name),
        ("learning rate", s.LearningRate.ToString()),
        ("schedule", s.Options.Schedule?.Name ?? "constant"),
        ("weight decay", s.WeightDecay.ToString()),
        ("batch size", s.Options.BatchSize.ToString()),
        ("epochs", $"{s.Options.Epochs} asked, {history.Epochs.Count} run" + (history.Cancelled ? " (stopped by Ctrl+C)" : history.StoppedEarly ? " (stopped early)" : "")),
        ("validation fraction", s.Options.ValidationFraction.ToString()),
        ("early-stopping patience", s.Options.Patience?.ToString() ?? "off"),
        ("best epoch", history.BestEpoch?.ToString() ?? "—"),
        ("seed", s.Options.Seed.ToString()),
        ("threads", ThreadsText(s)),
        ("training time", $"{seconds:0.0} s"),
        ("model file", Path.GetFullPath(s.ModelPath)),
    ];

    private static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    private static void Positive(params Option<int>[] options)
    {
        foreach (Option<int> option in options)
            option.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"{option.Name} must be at least 1."); });
    }

    private static void NonNegative(Option<int> option) =>
        option.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError($"{option.Name} must not be negative."); });

    // "128,64" → [128, 64]; "none" → []; otherwise an error that names the bad part.
    private static (int[] Sizes, string? Error) ParseSizes(string text)
    {
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)) return ([], null);
        var sizes = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out int size) || size <= 0)
                return ([], $"--hidden: '{part}' is not a positive layer size (expected e.g. 128,64, or none).");
            if (size > MaxHiddenSize)
                return ([], $"--hidden: {size:N0} is more than {MaxHiddenSize:N0} units in one layer.");
            sizes.Add(size);
        }
        return sizes.Count == 0 ? ([], "--hidden: expected layer sizes such as 128,64, or none.") : ([.. sizes], null);
    }
}

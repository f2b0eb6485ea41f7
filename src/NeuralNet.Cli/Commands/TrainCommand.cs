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
/// Ctrl+C (or SIGTERM) stops after the current batch and saves the best model so far, but only once a full epoch
/// has completed, and never over an existing model: that one and its report stay, and the run's go beside them
/// (<c>model.interrupted.nnm</c>, <c>report.interrupted.html</c>). Stopped before a full epoch, nothing is written
/// (exit code 130). The model and the report are written together (<c>AtomicFile.Together</c>): if either
/// cannot be written, neither old file changes.
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
        NotEmpty(output, "a folder such as out");
        NotEmpty(model, "a file path such as out/model.nnm");
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
        string reportPath = Path.Combine(s.OutDirectory, HtmlReport.FileName);
        CheckOptionsTogether(s);
        OutputLocation.RequireWritableFile(s.ModelPath, modelOption);
        RequireModelOrNothing(s.ModelPath, modelOption);
        if (s.WriteReport)
        {
            OutputLocation.RequireWritableFile(reportPath, "--out");
            OutputLocation.RequireNotAnInput(reportPath, "--out", s.ModelPath);
        }
        if (!s.Json) console.WriteLine($"Loading {s.Dataset} ...");
        LoadedData data = DatasetSource.Load(host, s.Dataset, s.DataDirectory, quiet: s.Json, trainLimit: s.TrainLimit);
        string[] dataFiles = DatasetSource.InputFiles(data);
        OutputLocation.RequireNotAnInput(s.ModelPath, modelOption, dataFiles);
        if (s.WriteReport) OutputLocation.RequireNotAnInput(reportPath, "--out", dataFiles);
        CheckSplit(data, s.Options.ValidationFraction);
        CheckNetworkSize(s.Model, data.Train, s.Hidden, Math.Min(s.Options.BatchSize, data.Train.Count));
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

        // From here to the end of the save, a first Ctrl+C or SIGTERM stops training and still saves (StopSignals).
        using IDisposable graceful = StopSignals.Graceful();
        var trainer = new Trainer(network, optimizer, options: s.Options);
        var clock = Stopwatch.StartNew();
        TrainingHistory history;
        try
        {
            history = s.Json
                ? trainer.Fit(data.Train, cancellation: host.Cancellation)
                : new TrainingDisplay(host, s.Options.Epochs).Fit(trainer, data.Train);
        }
        catch (TrainingDivergedException e) when (s.WeightDecay > 0)
        {
            throw new DivergedWithDecayException(e.Message.Replace("Try a lower learning rate",
                $"Try a lower --weight-decay (it is {s.WeightDecay}) or learning rate", StringComparison.Ordinal), e);
        }
        clock.Stop();

        // An interrupted run never replaces a model with a less-trained one: nothing is saved before a full
        // epoch, and a model already at the target stays, with its report; this run's go beside them.
        if (history.Cancelled && history.CompletedEpochs == 0) return NothingSaved(host, s, "before the first epoch finished");
        string? keptModel = history.Cancelled && File.Exists(s.ModelPath) ? s.ModelPath : null;
        if (keptModel is not null)
        {
            s = s with { ModelPath = InterruptedPath(s.ModelPath) };
            reportPath = InterruptedPath(reportPath);
        }
        var test = EvaluationResult.Of(network, data.Test, s.ModelPath);
        using (AtomicFile.Group saves = AtomicFile.Together())
        {
            ModelFile.Save(network, s.ModelPath);
            if (s.WriteReport)
            {
                List<(string, string)> settings = Describe(s, data, architecture, network, optimizer, history, clock.Elapsed.TotalSeconds);
                HtmlReport.WriteFile(reportPath, $"nn train — {data.Name}, {architecture}", settings, history, test);
            }
            saves.Commit();
        }
        string? writtenReport = s.WriteReport ? reportPath : null;

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
                report = writtenReport is null ? null : Path.GetFullPath(writtenReport),
            });
            return ExitCodes.Success;
        }

        double perEpoch = history.Epochs.Count == 0 ? 0 : history.Epochs.Average(e => e.Seconds);
        string ending = history.Cancelled ? $" (stopped by {StopSignals.Reason})" : history.StoppedEarly ? " (stopped early)" : "";
        console.WriteLine($"Trained {history.Epochs.Count} epochs in {clock.Elapsed.TotalSeconds:0.0} s ({perEpoch:0.00} s per epoch){ending}" +
                          (history.BestEpoch is int best ? $", kept the weights of epoch {best} (best validation loss)" : ""));
        console.WriteLine(keptModel is null ? $"Model saved to {s.ModelPath}"
            : $"Model saved to {s.ModelPath}; the interrupted run left {keptModel} and its report as they were (replace them by hand if this one is better)");
        if (writtenReport is not null) console.WriteLine($"Report written to {writtenReport}");
        console.WriteLine($"Test accuracy: {Format.Percent(test.Report.Accuracy)} ({test.Dataset.Count} images)");
        return ExitCodes.Success;
    }

    // The file an interrupted run writes when a model is already at the target: model.nnm → model.interrupted.nnm,
    // report.html → report.interrupted.html.
    private static string InterruptedPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + ".interrupted" + Path.GetExtension(path));

    private static int NothingSaved(CliHost host, TrainSettings s, string when)
    {
        host.Error.WriteLine($"Stopped by {StopSignals.Reason} {when}: nothing saved" +
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

    // Refuses what can only fail or diverge, before anything is loaded.
    private static void CheckOptionsTogether(TrainSettings s)
    {
        // Each step shrinks every weight by lr·λ of itself (or adds λ·w to its gradient): at lr·λ ≥ 1 that is all of it
        // and more, and λ beyond float's range is infinite. Either way training can only blow up.
        if (s.WeightDecay * s.LearningRate >= 1 || s.WeightDecay > float.MaxValue)
            throw new UsageException($"--weight-decay {s.WeightDecay} with learning rate {s.LearningRate}: each step would take away lr x decay = " +
                                     $"{s.WeightDecay * s.LearningRate:0.###e+0} times every weight, more than all of it, so training can only diverge. " +
                                     $"Choose a decay below 1/lr = {1 / s.LearningRate:0.###} (typical: 1e-4 to 1e-2).");
    }

    // An existing file at the model path is replaced only if it is a model: --model-file notes.txt must not eat notes.
    private static void RequireModelOrNothing(string modelPath, string option)
    {
        if (!File.Exists(modelPath) || ModelFiles.LooksLikeModel(modelPath)) return;
        throw new OutputLocationException($"{option} {Format.PathForMessage(modelPath)}: a file that is not an nn model is already there; " +
                                          "nn replaces only model files. Move it away or choose another path.");
    }

    // Every weight matrix must fit an array, and training (weights, gradients, Adam's two moments, every layer's
    // buffers for a batch) the memory still available after the data was loaded.
    private static void CheckNetworkSize(string model, ImageDataset train, int[] hidden, int batchRows)
    {
        string option = model == Architectures.Cnn ? "--model cnn" : "--hidden";
        NetworkSize size = Architectures.SizeOf(model, train, hidden);
        if (size.LargestLayer is { } layer)
            throw new UsageException($"{option}: {layer}; it is more than one array can hold ({Array.MaxLength:N0}).");
        double parameterBytes = size.Parameters * 4.0 * sizeof(float);
        // Training keeps three buffers a layer for a batch (output, gradient, a spare); the test evaluation one for a chunk.
        double activationBytes = size.OutputWidths * sizeof(float) * (3.0 * batchRows + MemoryBudget.InferenceRows);
        long available = MemoryBudget.Available();
        if (parameterBytes + activationBytes > available)
            throw new UsageException($"{option}: the network on {train.Height}x{train.Width} images has {size.Parameters:N0} parameters and needs about " +
                                     $"{MemoryBudget.Describe(parameterBytes + activationBytes)} to train (weights, gradients, the optimiser's state and the layers' buffers), " +
                                     $"more than the {MemoryBudget.Describe(available)} available.");
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
        ("epochs", $"{s.Options.Epochs} asked, {history.Epochs.Count} run" + (history.Cancelled ? $" (stopped by {StopSignals.Reason})" : history.StoppedEarly ? " (stopped early)" : "")),
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

    /// <summary>Refuses an empty path (<c>--model-file ""</c>): it names no file.</summary>
    public static void NotEmpty<T>(Option<T> option, string expected) =>
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[^1].Value)) r.AddError($"{option.Name} must not be empty; expected {expected}.");
        });

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

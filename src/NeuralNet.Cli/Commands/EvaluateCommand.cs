using System.CommandLine;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Cli.Reports;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;
using Spectre.Console;

namespace NeuralNet.Cli.Commands;

/// <summary><c>nn evaluate MODEL</c>: accuracy, per-class table and confusion matrix; <c>--report DIR</c> writes the HTML report.</summary>
public static class EvaluateCommand
{
    public static Command Create(CliHost host)
    {
        var model = new Argument<string>("model") { Description = "The model file (written by nn train)" };
        Option<string> dataset = DatasetSource.DatasetOption();
        Option<string?> dataDir = DatasetSource.DataDirOption();
        var split = new Option<string>("--split") { Description = "Which part of the dataset to measure on", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "train");
        var report = new Option<string?>("--report") { Description = $"Write {HtmlReport.FileName} with the charts into this folder" };
        TrainCommand.NotEmpty(report, "a folder such as out (use . for the current folder)");
        var threads = new Option<int?>("--threads", "-t") { Description = "Threads for the compute kernels (default: all cores)" };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--threads must be at least 1."); });
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of tables" };

        var command = new Command("evaluate", "Measure a model on a dataset: accuracy, per-class precision/recall/F1, confusion matrix.")
        {
            model, dataset, dataDir, split, report, threads, json,
        };
        command.SetGuardedAction(host, parse =>
        {
            if (parse.GetValue(threads) is int t) ComputeSettings.ThreadCount = t;
            string modelPath = parse.GetValue(model)!;
            bool asJson = parse.GetValue(json);
            string? reportFolder = parse.GetValue(report);
            if (reportFolder is not null)
            {
                OutputLocation.RequireWritableFile(Path.Combine(reportFolder, HtmlReport.FileName), "--report");
                OutputLocation.RequireNotAnInput(Path.Combine(reportFolder, HtmlReport.FileName), "--report", modelPath);
            }
            Sequential network = ModelLoader.Load(modelPath);
            LoadedData data = DatasetSource.Load(host, parse.GetValue(dataset)!, parse.GetValue(dataDir), quiet: asJson);
            if (reportFolder is not null) OutputLocation.RequireNotAnInput(Path.Combine(reportFolder, HtmlReport.FileName), "--report", DatasetSource.InputFiles(data));
            ImageDataset part = parse.GetValue(split) == "train" ? data.Train : data.Test;
            var result = EvaluationResult.Of(network, part, modelPath);

            string? reportPath = null;
            if (reportFolder is string folder)
            {
                var settings = new List<(string, string)>
                {
                    ("model file", Path.GetFullPath(modelPath)),
                    ("network", $"{ModelFile.Describe(network)} ({network.ParameterCount:N0} parameters)"),
                    ("dataset", $"{part.Name}, {part.Count:N0} images, from {data.Folder}"),
                };
                reportPath = HtmlReport.Write(folder, $"nn evaluate — {Path.GetFileName(modelPath)} on {part.Name}", settings, null, result);
            }

            if (asJson)
            {
                Json.Write(host, new { model = Path.GetFullPath(modelPath), network = ModelFile.Describe(network), evaluation = result.ToJson(), report = reportPath is null ? null : Path.GetFullPath(reportPath) });
                return ExitCodes.Success;
            }
            IAnsiConsole console = host.Console;
            console.WriteLine($"Model {modelPath}: {network} ({network.ParameterCount:N0} parameters)");
            console.WriteLine($"{part.Name}: {part.Count:N0} images");
            console.WriteLine($"Accuracy: {Format.Percent(result.Report.Accuracy)}   loss {result.Loss:0.0000}   macro F1 {result.Report.MacroF1:0.0000}");
            result.WriteTables(console);
            if (reportPath is not null) console.WriteLine($"Report written to {reportPath}");
            return ExitCodes.Success;
        });
        return command;
    }
}

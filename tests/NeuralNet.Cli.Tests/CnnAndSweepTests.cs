using System.Text.Json;
using NeuralNet.Cli.Commands;

namespace NeuralNet.Cli.Tests;

[Collection("cli")]
public class CnnTests(CliFixture fixture)
{
    [Fact]
    public void Train_model_cnn_with_augment_writes_a_cnn_that_evaluate_and_predict_read()
    {
        using var temp = new TempFolder();
        string outDir = temp.File("cnn");

        CliRun train = Nn.Run("train", "--dataset", fixture.DataFolder, "--model", "cnn", "--augment", "--epochs", "2", "--train-limit", "200",
            "--threads", "1", "--out", outDir, "--json");

        Assert.True(train.ExitCode == 0, train.ToString());
        using var json = JsonDocument.Parse(train.Out);
        JsonElement root = json.RootElement;
        Assert.StartsWith("cnn ", root.GetProperty("architecture").GetString());
        Assert.Equal("cnn", root.GetProperty("settings").GetProperty("model").GetString());
        Assert.True(root.GetProperty("settings").GetProperty("augment").GetBoolean());
        Assert.Equal(215_370, root.GetProperty("parameters").GetInt32());
        Assert.Equal(2, root.GetProperty("epochs").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
        string model = Path.Combine(outDir, TrainCommand.ModelFileName);

        CliRun evaluate = Nn.Run("evaluate", model, "--dataset", fixture.DataFolder, "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        using var evaluation = JsonDocument.Parse(evaluate.Out);
        Assert.Contains("Conv2D", evaluation.RootElement.GetProperty("network").GetString());
        Assert.Equal(root.GetProperty("test").GetProperty("accuracy").GetDouble(),
            evaluation.RootElement.GetProperty("evaluation").GetProperty("accuracy").GetDouble(), 6);

        string image = temp.File("digit.png");
        TestData.WritePng(image, 28, 28, Enumerable.Range(0, 784).Select(i => (byte)(i / 28 is > 6 and < 20 && i % 28 is > 10 and < 16 ? 10 : 240)).ToArray());
        CliRun predict = Nn.Run("predict", model, image, "--json");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Contains("\"prediction\"", predict.Out);
    }

    [Fact]
    public void Train_shows_the_cnn_and_the_augmentation_in_the_text_output()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run("train", "--dataset", fixture.DataFolder, "--model", "cnn", "--augment", "--epochs", "1", "--train-limit", "64",
            "--threads", "1", "--no-report", "--out", temp.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Network cnn 28x28-conv5x5x16-pool-conv5x5x32-pool-128-10 (215,370 parameters)", run.Out);
        Assert.Contains("Augmentation: shift ±2 px, rotation ±12°", run.Out);
        Assert.Matches(@"(?m)^\s+1\s+\d+\.\d{4}\s+\d+\.\d+%", run.Out);
    }

    [Theory]
    [InlineData("--model", "resnet")]
    [InlineData("--train-limit", "0")]
    public void Bad_model_or_limit_is_a_usage_error(string option, string value)
    {
        CliRun run = Nn.Run("train", "--dataset", fixture.DataFolder, option, value, "--out", Path.GetTempPath());

        Assert.True(run.ExitCode == 1, run.ToString());
    }
}

[Collection("cli")]
public class SweepTests(CliFixture fixture)
{
    [Fact]
    public void Sweep_trains_each_learning_rate_prints_a_table_and_writes_a_log_axis_chart()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run("sweep", "--dataset", fixture.DataFolder, "--learning-rate", "1e-3,1e-2", "--epochs", "3", "--hidden", "32",
            "--threads", "1", "--out", temp.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[1/2] --learning-rate 1e-3: validation accuracy", run.Out);
        Assert.Contains("[2/2] --learning-rate 1e-2: validation accuracy", run.Out);
        Assert.Contains("Best on validation: --learning-rate", run.Out);
        Assert.True(File.Exists(Path.Combine(temp.Path, "run-1", "model.nnm")));
        Assert.True(File.Exists(Path.Combine(temp.Path, "run-2", "model.nnm")));
        string html = File.ReadAllText(Path.Combine(temp.Path, SweepCommand.ReportFileName));
        Assert.Contains("\"type\":\"log\"", html);
        Assert.Contains("--learning-rate (log scale)", html);
        Assert.Contains("validation accuracy", html);
    }

    [Fact]
    public void Sweep_over_two_options_runs_every_combination_and_reports_json()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run("sweep", "--dataset", fixture.DataFolder, "--batch-size", "16,64", "--optimizer", "adam,sgd", "--epochs", "2",
            "--hidden", "16", "--threads", "1", "--out", temp.Path, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(4, runs.Count);
        var settings = runs.Select(r => (r.GetProperty("setting").GetProperty("--batch-size").GetString(), r.GetProperty("setting").GetProperty("--optimizer").GetString())).ToHashSet();
        Assert.Equal(4, settings.Count);
        Assert.All(runs, r => Assert.InRange(r.GetProperty("validationAccuracy").GetDouble(), 0, 1));
        int best = json.RootElement.GetProperty("best").GetInt32();
        double bestAccuracy = runs.Max(r => r.GetProperty("validationAccuracy").GetDouble());
        Assert.Equal(bestAccuracy, runs[best - 1].GetProperty("validationAccuracy").GetDouble());
        string html = File.ReadAllText(Path.Combine(temp.Path, SweepCommand.ReportFileName));
        Assert.Contains("--optimizer adam", html); // one line per value of the other swept option
    }

    [Theory]
    [InlineData("nothing to sweep", "--learning-rate", "1e-3")]
    [InlineData("not an nn train option", "--learning-rate", "1e-3,1e-2", "--bogus", "1")]
    [InlineData("--learning-rate", "--learning-rate", "1e-3,-1")]
    [InlineData("set by the sweep itself", "--learning-rate", "1e-3,1e-2", "--model-file", "x.nnm")]
    public void Bad_sweeps_are_usage_errors_before_anything_is_trained(string expected, params string[] args)
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run(["sweep", "--dataset", fixture.DataFolder, "--epochs", "1", "--out", temp.Path, .. args]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(expected, run.Err);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "run-1")));
    }
}

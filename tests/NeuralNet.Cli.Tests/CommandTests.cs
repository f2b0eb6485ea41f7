using System.Text.Json;
using System.Text.RegularExpressions;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Cli.Reports;

namespace NeuralNet.Cli.Tests;

[Collection("cli")]
public class UsageTests
{
    [Fact]
    public void Help_lists_the_commands()
    {
        CliRun run = Nn.Run("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (string command in new[] { "data", "train", "evaluate", "predict" }) Assert.Contains(command, run.Out);
    }

    [Fact]
    public void Train_help_offers_every_activation_and_optimiser_of_the_library()
    {
        CliRun run = Nn.Run("train", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (string name in NeuralNet.Layers.Activations.Names.Concat(NeuralNet.Optimizers.Optimizer.Names)) Assert.Contains(name, run.Out);
        Assert.Contains("gelu", run.Out);
        Assert.Contains("leakyrelu", run.Out);
    }

    [Theory]
    [InlineData("train", "--bogus")]
    [InlineData("train", "--hidden", "128,x")]
    [InlineData("train", "--optimizer", "rmsprop")]
    [InlineData("train", "--epochs", "0")]
    [InlineData("evaluate")]
    [InlineData("data", "fetch", "cifar")]
    [InlineData("frobnicate")]
    public void A_usage_error_exits_with_1_and_shows_the_help(params string[] args)
    {
        CliRun run = Nn.Run(args);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Usage:", run.Out + run.Err);
        Assert.DoesNotContain("   at ", run.Err);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void Threads_must_be_auto_or_a_positive_number(string threads)
    {
        CliRun run = Nn.Run("train", "--threads", threads, "--out", Path.GetTempPath());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--threads must be auto or a whole number", run.Out + run.Err);
    }

    [Fact]
    public void A_dataset_that_is_neither_known_nor_a_folder_is_a_usage_error()
    {
        CliRun run = Nn.Run("train", "--dataset", "no-such-dataset-or-folder", "--out", Path.GetTempPath());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("no-such-dataset-or-folder", run.Err);
        Assert.Contains("Usage:", run.Out);
    }
}

[Collection("cli")]
public class TrainTests(CliFixture fixture)
{
    [Fact]
    public void Train_prints_a_row_per_epoch_and_the_test_accuracy_and_writes_model_and_report()
    {
        CliRun run = fixture.Train;

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"(?m)^\s+1\s+\d+\.\d{4}\s+\d+\.\d+%", run.Out);
        Assert.Matches(@"Test accuracy: \d+\.\d+% \(100 images\)", run.Out);
        Assert.True(File.Exists(fixture.ModelPath));
        Assert.True(File.Exists(Path.Combine(fixture.OutFolder, HtmlReport.FileName)));
        Assert.DoesNotContain('\u001b', run.Out + run.Err); // not a terminal: no escape codes
    }

    [Fact]
    public void Train_learns_the_synthetic_dataset()
    {
        double accuracy = double.Parse(Regex.Match(fixture.Train.Out, @"Test accuracy: (\d+\.\d+)%").Groups[1].Value);

        Assert.True(accuracy >= 90, fixture.Train.ToString());
    }

    [Fact]
    public void The_report_has_the_settings_the_charts_and_one_copy_of_plotly_js()
    {
        string html = File.ReadAllText(Path.Combine(fixture.OutFolder, HtmlReport.FileName));

        Assert.Contains("<h2>Settings</h2>", html);
        Assert.Contains("learning rate", html);
        Assert.Contains("Training curves", html);
        Assert.Contains("Confusion matrix", html);
        Assert.Contains("Precision, recall and F1 per class", html);
        Assert.Contains("Gallery of mistakes", html);
        // Charts: curves, confusion matrix, per-class bars, and the gallery (or its "no mistakes" note).
        int charts = Regex.Matches(html, @"Plotly\.newPlot\('").Count;
        Assert.InRange(charts, html.Contains("No mistakes.") ? 3 : 4, 4);
        // plotly.js is inlined once (its licence banner), not once per chart, and nothing loads from the web.
        Assert.Single(Regex.Matches(html, @"plotly\.js v2\.28\.0"));
        // The book's look: the same style sheet as the chapters' pages.
        Assert.Contains(NeuralNet.Plots.HtmlPage.Style, html);
        Assert.DoesNotMatch("<script[^>]+src=", html);
    }

    [Fact]
    public void On_a_terminal_train_draws_a_live_progress_bar_and_still_prints_the_rows()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.RunOnTerminal("train", "--dataset", fixture.DataFolder, "--epochs", "2", "--hidden", "16", "--threads", "1",
            "--out", temp.Path, "--no-report");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains('\u001b', run.Out);        // escape codes of the live display
        Assert.Contains("train loss", run.Out);    // the epoch table's header
        Assert.Contains("Test accuracy:", run.Out);
        Assert.False(File.Exists(temp.File("report.html")));
    }

    [Fact]
    public void Train_with_json_prints_one_json_document()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run("train", "--dataset", fixture.DataFolder, "--epochs", "2", "--hidden", "16", "--threads", "1",
            "--out", temp.Path, "--no-report", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        JsonElement root = json.RootElement;
        Assert.Equal(2, root.GetProperty("epochs").GetArrayLength());
        Assert.Equal("784-16-10", root.GetProperty("architecture").GetString());
        Assert.InRange(root.GetProperty("test").GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.Equal(10, root.GetProperty("test").GetProperty("confusion").GetArrayLength());
        Assert.False(root.GetProperty("cancelled").GetBoolean());
        Assert.True(File.Exists(root.GetProperty("model").GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("report").ValueKind);
    }

    [Fact]
    public void Cancelling_before_a_full_epoch_saves_nothing_and_exits_130()
    {
        using var temp = new TempFolder();
        using var stop = new CancellationTokenSource();
        stop.Cancel(); // as if Ctrl+C came while the data was loading

        CliRun run = Nn.Run(stop.Token, "train", "--dataset", fixture.DataFolder, "--epochs", "5", "--hidden", "16", "--threads", "1",
            "--out", temp.Path, "--json");

        Assert.True(run.ExitCode == ExitCodes.Interrupted, run.ToString());
        Assert.Contains("nothing saved", run.Err);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_dataset_folder_missing_a_file_is_a_data_error_naming_the_file()
    {
        using var temp = new TempFolder();
        TestData.WriteSyntheticDataset(temp.Path, 20, 10);
        File.Delete(temp.File("t10k-labels-idx1-ubyte"));

        CliRun run = Nn.Run("train", "--dataset", temp.Path, "--epochs", "1", "--out", temp.File("out"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("t10k-labels-idx1-ubyte", run.Err);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public void A_truncated_idx_file_is_a_data_error_with_its_byte_offset()
    {
        using var temp = new TempFolder();
        TestData.WriteSyntheticDataset(temp.Path, 20, 10);
        string images = temp.File("train-images-idx3-ubyte");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..1000]);

        CliRun run = Nn.Run("train", "--dataset", temp.Path, "--epochs", "1", "--out", temp.File("out"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.Err.Trim().Split('\n'));
        Assert.Contains("train-images-idx3-ubyte (byte offset 1000): truncated", run.Err);
    }
}

[Collection("cli")]
public class EvaluateTests(CliFixture fixture)
{
    [Fact]
    public void Evaluate_prints_accuracy_the_per_class_table_and_the_confusion_matrix()
    {
        CliRun run = Nn.Run("evaluate", fixture.ModelPath, "--dataset", fixture.DataFolder, "--threads", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"Accuracy: \d+\.\d+%", run.Out);
        Assert.Contains("precision", run.Out);
        Assert.Contains("macro avg", run.Out);
        Assert.Contains("Confusion matrix", run.Out);
        Assert.DoesNotContain('\u001b', run.Out);
    }

    [Fact]
    public void Evaluate_json_agrees_with_the_training_run()
    {
        CliRun run = Nn.Run("evaluate", fixture.ModelPath, "--dataset", fixture.DataFolder, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        JsonElement evaluation = json.RootElement.GetProperty("evaluation");
        double trained = double.Parse(Regex.Match(fixture.Train.Out, @"Test accuracy: (\d+\.\d+)%").Groups[1].Value);
        Assert.Equal(trained, Math.Round(100 * evaluation.GetProperty("accuracy").GetDouble(), 2), 2);
        Assert.Equal(100, evaluation.GetProperty("count").GetInt32());
        Assert.Equal(10, evaluation.GetProperty("classes").GetArrayLength());
    }

    [Fact]
    public void Evaluate_report_writes_the_html_with_the_charts()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run("evaluate", fixture.ModelPath, "--dataset", fixture.DataFolder, "--report", temp.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        string html = File.ReadAllText(temp.File("report.html"));
        Assert.Contains("Confusion matrix", html);
        Assert.Contains("Gallery of mistakes", html);
        Assert.InRange(Regex.Matches(html, @"Plotly\.newPlot\('").Count, 2, 3);
        Assert.DoesNotContain("Training curves", html);
    }

    [Fact]
    public void A_missing_model_is_one_line_exit_2_naming_the_file()
    {
        CliRun run = Nn.Run("evaluate", "no/such/model.nnm", "--dataset", fixture.DataFolder);

        Assert.True(run.ExitCode == 2, run.ToString());
        string line = Assert.Single(run.Err.Trim().Split('\n'));
        Assert.StartsWith("error: no/such/model.nnm", line);
        Assert.Contains("does not exist", line);
    }

    [Fact]
    public void A_model_of_another_version_is_exit_2_and_overwrites_nothing()
    {
        using var temp = new TempFolder();
        byte[] bytes = File.ReadAllBytes(fixture.ModelPath);
        bytes[8] = 99; // the format version follows the 8-byte magic
        File.WriteAllBytes(temp.File("old.nnm"), bytes);
        File.WriteAllText(temp.File("report.html"), "previous report");

        CliRun run = Nn.Run("evaluate", temp.File("old.nnm"), "--dataset", fixture.DataFolder, "--report", temp.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.Err.Trim().Split('\n'));
        Assert.Contains("version 99", run.Err);
        Assert.Equal("previous report", File.ReadAllText(temp.File("report.html")));
    }

    [Fact]
    public void A_corrupt_model_is_exit_2_and_verbose_shows_the_stack_trace()
    {
        using var temp = new TempFolder();
        byte[] bytes = File.ReadAllBytes(fixture.ModelPath);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(temp.File("corrupt.nnm"), bytes);

        CliRun quiet = Nn.Run("evaluate", temp.File("corrupt.nnm"), "--dataset", fixture.DataFolder);
        CliRun verbose = Nn.Run("evaluate", temp.File("corrupt.nnm"), "--dataset", fixture.DataFolder, "--verbose");

        Assert.Equal(2, quiet.ExitCode);
        Assert.Contains("checksum", quiet.Err);
        Assert.DoesNotContain("   at ", quiet.Err);
        Assert.Equal(2, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Err);
    }

    [Fact]
    public void A_model_for_other_images_is_a_shape_error()
    {
        using var temp = new TempFolder();
        var small = NeuralNet.Layers.Sequential.Mlp(64, [8], 10);
        NeuralNet.Serialization.ModelFile.Save(small, temp.File("small.nnm"));

        CliRun run = Nn.Run("evaluate", temp.File("small.nnm"), "--dataset", fixture.DataFolder);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("expects 64 inputs", run.Err);
    }
}

[Collection("cli")]
public class DataTests
{
    [Fact]
    public void Info_on_an_empty_folder_says_nothing_is_cached()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run("data", "info", "--data-dir", temp.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("MNIST is not cached", run.Out);
        Assert.Contains("missing", run.Out);
    }

    [Fact]
    public void Info_json_reports_the_cached_mnist_with_checksums_and_class_counts()
    {
        CliRun run = Nn.Run("data", "info", "--json"); // the repository's data/ (CI seeds data/mnist)

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        JsonElement mnist = json.RootElement.GetProperty("datasets")[0];
        Assert.Equal("MNIST", mnist.GetProperty("name").GetString());
        Assert.True(mnist.GetProperty("complete").GetBoolean(), run.Out);
        Assert.All(mnist.GetProperty("files").EnumerateArray(), f => Assert.Equal("ok", f.GetProperty("status").GetString()));
        var classes = mnist.GetProperty("classes").EnumerateArray().ToList();
        Assert.Equal(10, classes.Count);
        Assert.Equal(60_000, classes.Sum(c => c.GetProperty("train").GetInt32()));
        Assert.Equal(10_000, classes.Sum(c => c.GetProperty("test").GetInt32()));
    }

    [Fact]
    public void Info_flags_a_file_whose_checksum_does_not_match()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("mnist"));
        File.WriteAllBytes(Path.Combine(temp.File("mnist"), "t10k-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 0]);

        CliRun run = Nn.Run("data", "info", "--data-dir", temp.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("checksum mismatch", run.Out);
        Assert.Contains("MNIST is incomplete", run.Out);
    }

    [Fact]
    public void Fetch_verifies_files_that_are_already_cached()
    {
        using var temp = new TempFolder();
        string source = Path.Combine(NeuralNet.Data.DataDirectory.Resolve(), "mnist");
        Directory.CreateDirectory(temp.File("mnist"));
        foreach (string file in Directory.GetFiles(source, "*-ubyte*")) File.Copy(file, Path.Combine(temp.File("mnist"), Path.GetFileName(file)));

        CliRun run = Nn.Run("data", "fetch", "mnist", "--data-dir", temp.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("MNIST: all 4 files verified", run.Out);
        Assert.Contains("images per class", run.Out);
    }
}

namespace NeuralNet.Cli.Tests;

/// <summary>
/// Option values out of range are usage errors (exit 1), never a crash (exit 134) or exit 3 (issue 23 §5).
/// The command lines are parsed before any file is read, so the model and picture names need not exist.
/// </summary>
[Collection("cli")]
public class OptionRangeTests(CliFixture fixture)
{
    [Theory]
    [InlineData("train", "--batch-size", "2147483648")]
    [InlineData("train", "--epochs", "2147483648")]
    [InlineData("train", "--train-limit", "2147483648")]
    [InlineData("train", "--patience", "2147483648")]
    [InlineData("train", "--seed", "99999999999")]
    [InlineData("predict", "model.nnm", "a.png", "--top", "2147483648")]
    [InlineData("evaluate", "model.nnm", "--threads", "2147483648")]
    [InlineData("train", "--model-file", "")]
    [InlineData("train", "--out", "")]
    [InlineData("export", "model.nnm", "--onnx", "")]
    [InlineData("evaluate", "model.nnm", "--report", "")]
    public void An_out_of_range_or_empty_value_is_a_usage_error(params string[] args)
    {
        CliRun run = Nn.Run(args);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(args[^2], run.Err);
    }

    [Fact]
    public void The_largest_batch_size_trains_on_a_small_set()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run("train", "--dataset", fixture.DataFolder, "--epochs", "1", "--hidden", "16", "--threads", "1", "--no-report",
            "--batch-size", "2147483647", "--out", temp.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
    }
}

namespace NeuralNet.Cli.Tests;

/// <summary>
/// Ctrl+C (SIGINT) to the real process (issue 23 §1): outside the training loop it ends the command at once
/// (exit 130, as the shell expects), instead of being swallowed with "stopping after the current batch" while no
/// batch is running; inside the loop it still stops after the batch and saves.
/// </summary>
[Collection("cli")]
public class StopSignalTests(CliFixture fixture)
{
    [Fact]
    public void Ctrl_c_while_loading_data_ends_the_command_at_once()
    {
        using var temp = new TempFolder();

        // MNIST's four files are checked (SHA-256 of 55 MB) and parsed after "Loading": long enough to be caught there.
        ProcessRun run = NnProcess.Run(["train", "--dataset", "mnist", "--epochs", "1", "--out", temp.File("out")], signalWhen: "Loading mnist");

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Contains("Stopped by Ctrl+C.", run.Err);
        Assert.DoesNotContain("after the current batch", run.Err);
        Assert.DoesNotContain("training images", run.Out);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public void Ctrl_c_during_training_stops_after_the_batch_and_saves()
    {
        using var temp = new TempFolder();
        string outFolder = temp.File("out");

        ProcessRun run = NnProcess.Run(["train", "--dataset", fixture.DataFolder, "--hidden", "16", "--threads", "1", "--epochs", "1000",
            "--patience", "0", "--batch-size", "16", "--no-report", "--out", outFolder], signalWhen: "    2   ");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Ctrl+C: stopping after the current batch", run.Err);
        Assert.Contains("stopped by Ctrl+C", run.Out);
        Assert.True(File.Exists(Path.Combine(outFolder, "model.nnm")), run.ToString());
    }
}

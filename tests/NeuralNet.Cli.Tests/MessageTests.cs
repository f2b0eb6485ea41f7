using NeuralNet.Layers;
using NeuralNet.Serialization;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// The messages of issue 23 §7 that are not about pictures: overflowing weights, a weight decay that can only
/// diverge, an empty report folder, and FIFOs where a model or a data file should be (which used to hang).
/// </summary>
[Collection("cli")]
public class MessageTests(CliFixture fixture)
{
    [Fact]
    public void A_model_with_finite_weights_that_overflow_is_refused_instead_of_printing_nan()
    {
        using var temp = new TempFolder();
        var network = Sequential.Mlp(784, [16], 10, seed: 1);
        foreach (Parameter parameter in network.Parameters) parameter.Value.Span.Fill(3e38f);
        string model = temp.File("huge-weights.nnm");
        ModelFile.Save(network, model);

        CliRun run = Nn.Run("evaluate", model, "--dataset", fixture.DataFolder);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("overflow", run.Err);
        Assert.DoesNotContain("NaN", run.Out);
    }

    [Fact]
    public void A_weight_decay_that_can_only_diverge_is_a_usage_error_naming_it()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run("train", "--dataset", fixture.DataFolder, "--weight-decay", "1e308", "--epochs", "1", "--out", temp.Path);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--weight-decay", run.Err.Split('\n')[0]);
        Assert.DoesNotContain("train loss", run.Out);
    }

    [Fact]
    public void Evaluate_report_empty_writes_nothing_into_the_current_folder()
    {
        using var temp = new TempFolder();

        ProcessRun run = NnProcess.Run(["evaluate", fixture.ModelPath, "--dataset", fixture.DataFolder, "--report", ""], workingDirectory: temp.Path);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void A_fifo_as_the_model_file_is_refused_instead_of_waiting_for_a_writer()
    {
        using var temp = new TempFolder();
        string fifo = temp.File("model.nnm");
        NnProcess.Shell($"mkfifo '{fifo}'");

        CliRun run = RunWithin(TimeSpan.FromSeconds(30), "evaluate", fifo, "--dataset", fixture.DataFolder);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("FIFO", run.Err);
    }

    [Fact]
    public void A_fifo_as_a_data_file_is_refused_instead_of_waiting_for_a_writer()
    {
        using var temp = new TempFolder();
        string data = temp.File("data");
        TestData.WriteSyntheticDataset(data, 20, 10);
        string images = Path.Combine(data, "train-images-idx3-ubyte");
        File.Delete(images);
        NnProcess.Shell($"mkfifo '{images}'");

        CliRun run = RunWithin(TimeSpan.FromSeconds(30), "train", "--dataset", data, "--epochs", "1", "--no-report", "--out", temp.File("out"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("FIFO", run.Err);
        Assert.Contains("train-images-idx3-ubyte", run.Err);
    }

    // A run that hangs (a FIFO opened for reading waits for a writer) fails the test instead of hanging it.
    private static CliRun RunWithin(TimeSpan limit, params string[] args)
    {
        Task<CliRun> run = Task.Run(() => Nn.Run(args));
        Assert.True(run.Wait(limit), $"nn {string.Join(' ', args)} did not finish in {limit.TotalSeconds} s");
        return run.Result;
    }
}

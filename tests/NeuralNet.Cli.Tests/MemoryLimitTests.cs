using System.Diagnostics;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// Memory follows the input (issue 23 §2): a model, a network size or a sweep that cannot fit is refused up
/// front (exit 2 for a file, 1 for options), and <c>--train-limit</c> is applied while reading, not after.
/// </summary>
[Collection("cli")]
public class MemoryLimitTests(CliFixture fixture)
{
    [Fact]
    public void A_small_model_whose_layers_need_terabytes_to_run_is_refused_when_loaded()
    {
        using var temp = new TempFolder();
        // 512 KB of weights: a 1x1 convolution with 65,536 filters (the most), whose output is 51 million floats per image.
        string model = temp.File("wide.nnm");
        ModelFile.Save(new Sequential(new Conv2D(new ImageShape(1, 28, 28), filters: 65_536, kernelSize: 1)), model);

        var clock = Stopwatch.StartNew();
        CliRun run = Nn.Run("evaluate", model, "--dataset", fixture.DataFolder);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("to run 1,024 images", run.Err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Train_limit_reads_only_the_first_images_of_a_large_gzip_file()
    {
        using var temp = new TempFolder();
        string data = temp.File("zeros");
        TestData.WriteSyntheticDataset(data, 20, 10);
        // 200,000 blank images: 157 MB of pixels in a gzip file of a few hundred KB (627 MB as floats).
        const int count = 200_000;
        File.Delete(Path.Combine(data, "train-images-idx3-ubyte"));
        File.Delete(Path.Combine(data, "train-labels-idx1-ubyte"));
        IdxFile.Write(Path.Combine(data, "train-images-idx3-ubyte.gz"), IdxArray.FromBytes(new byte[count * 784], count, 28, 28), gzip: true);
        IdxFile.Write(Path.Combine(data, "train-labels-idx1-ubyte.gz"), IdxArray.FromBytes(new byte[count], count), gzip: true);
        GC.Collect();

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        CliRun run = Nn.Run("train", "--dataset", data, "--train-limit", "100", "--epochs", "1", "--hidden", "16", "--threads", "1",
            "--no-report", "--out", temp.File("out"));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("100 training images", run.Out);
        Assert.True(allocated < 100_000_000, $"allocated {allocated / 1e6:N0} MB for 100 images");
    }

    [Fact]
    public void The_cnn_on_images_too_large_for_its_dense_layer_is_a_usage_error()
    {
        using var temp = new TempFolder();
        string data = temp.File("huge");
        Directory.CreateDirectory(data);
        // 4096x4096 images: after two poolings, 32 x 1024 x 1024 inputs to a dense layer of 128: 4.3 billion weights.
        const int side = 4096;
        foreach (string part in new[] { "train", "t10k" })
        {
            IdxFile.Write(Path.Combine(data, $"{part}-images-idx3-ubyte.gz"), IdxArray.FromBytes(new byte[side * side], 1, side, side), gzip: true);
            IdxFile.Write(Path.Combine(data, $"{part}-labels-idx1-ubyte.gz"), IdxArray.FromBytes([3], 1), gzip: true);
        }

        CliRun run = Nn.Run("train", "--dataset", data, "--model", "cnn", "--validation", "0", "--epochs", "1", "--no-report", "--out", temp.File("out"));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("--model cnn", run.Err);
        Assert.Contains("more than one array can hold", run.Err);
    }

    [Fact]
    public void A_sweep_of_more_runs_than_the_limit_is_refused_before_building_them()
    {
        using var temp = new TempFolder();
        string Values(int count, Func<int, string> value) => string.Join(",", Enumerable.Range(1, count).Select(value));

        // 11 x 11 x 11 x 11 = 14,641 runs. A child process: a sweep that started would train for hours.
        ProcessRun run = NnProcess.Run(["sweep", "--dataset", fixture.DataFolder, "--out", temp.File("sweep"),
            "--learning-rate", Values(11, i => $"0.{i:000}"), "--batch-size", Values(11, i => $"{i}"),
            "--epochs", Values(11, i => $"{i}"), "--seed", Values(11, i => $"{i}")], timeout: TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("14,641 runs", run.Err);
        Assert.False(Directory.Exists(temp.File("sweep")));
    }

    [Fact]
    public void A_network_size_is_checked_against_the_memory_left_after_loading_the_data()
    {
        using var temp = new TempFolder();

        // Under a 512 MB heap with MNIST loaded (about 240 MB), a network of 22 million parameters (356 MB for weights,
        // gradients and Adam's moments, plus its buffers) fits the total but not what is left.
        ProcessRun run = NnProcess.Run(["train", "--dataset", "mnist", "--hidden", "28000", "--epochs", "1", "--out", temp.File("out")],
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("available", run.Err);
        Assert.DoesNotContain("train loss", run.Out);
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Serialization;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// The findings of the hostile-input review, one test each: every case is exit 1 (usage) or 2 (data or
/// model) with one line, found before training where it can be, and nothing good is ever overwritten.
/// </summary>
[Collection("cli")]
public class HostileInputTests(CliFixture fixture)
{
    // nn train on a small dataset, quickly: 1 epoch, 16 hidden units, unless `more` says otherwise.
    private static string[] Train(string dataFolder, string outFolder, params string[] more)
    {
        var args = new List<string> { "train", "--dataset", dataFolder, "--threads", "1", "--no-report", "--out", outFolder };
        if (!more.Contains("--epochs")) args.AddRange(["--epochs", "1"]);
        if (!more.Contains("--hidden")) args.AddRange(["--hidden", "16"]);
        return [.. args, .. more];
    }

    private static void AssertOneLineError(CliRun run, int exitCode, params string[] parts)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        string first = run.Err.Split('\n')[0];
        Assert.StartsWith("error: ", first);
        foreach (string part in parts) Assert.Contains(part, first);
    }

    [Theory]
    [InlineData("--learning-rate", "NaN")]
    [InlineData("--learning-rate", "Infinity")]
    [InlineData("--weight-decay", "NaN")]
    [InlineData("--weight-decay", "Infinity")]
    [InlineData("--validation", "NaN")]
    [InlineData("--hidden", "99999999")]
    public void Options_that_are_not_finite_or_too_large_are_usage_errors(string option, string value)
    {
        CliRun run = Nn.Run("train", option, value);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(option, run.Err.Split('\n')[0]);
    }

    [Fact]
    public void A_network_too_large_for_an_array_is_a_usage_error_before_training()
    {
        using var temp = new TempFolder();
        TestData.WriteSyntheticDataset(temp.File("data"), 20, 10);

        CliRun run = Nn.Run(Train(temp.File("data"), temp.File("out"), "--hidden", "1000000,1000000"));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("more than one array can hold", run.Err);
        Assert.DoesNotContain("train loss", run.Out);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(255)]
    public void A_label_outside_0_to_9_is_an_error_naming_the_file(byte label)
    {
        using var temp = new TempFolder();
        string data = temp.File("data");
        TestData.WriteSyntheticDataset(data, 20, 10);
        byte[] labels = Enumerable.Range(0, 20).Select(i => (byte)(i % 10)).ToArray();
        labels[7] = label;
        IdxFile.Write(Path.Combine(data, "train-labels-idx1-ubyte"), IdxArray.FromBytes(labels, 20));

        CliRun run = Nn.Run(Train(data, temp.File("out")));

        AssertOneLineError(run, 2, "train-labels-idx1-ubyte", $"label {label} of sample 7", "0..9", "byte offset 15");
        Assert.False(File.Exists(temp.File("out/model.nnm")));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("t10k")]
    public void An_empty_training_or_test_set_is_an_error(string part)
    {
        using var temp = new TempFolder();
        string data = temp.File("data");
        TestData.WriteSyntheticDataset(data, 20, 10);
        foreach (string stale in Directory.GetFiles(data, part + "-*")) File.Delete(stale);
        IdxFile.Write(Path.Combine(data, $"{part}-images-idx3-ubyte"), IdxArray.FromBytes([], 0, 28, 28));
        IdxFile.Write(Path.Combine(data, $"{part}-labels-idx1-ubyte"), IdxArray.FromBytes([], 0));

        CliRun run = Nn.Run(Train(data, temp.File("out")));

        AssertOneLineError(run, 2, $"{part}-images-idx3-ubyte", "holds 0 images");
        Assert.False(File.Exists(temp.File("out/model.nnm")));
    }

    [Fact]
    public void Images_of_zero_width_are_an_error()
    {
        using var temp = new TempFolder();
        string data = temp.File("data");
        TestData.WriteSyntheticDataset(data, 20, 10);
        IdxFile.Write(Path.Combine(data, "train-images-idx3-ubyte"), IdxArray.FromBytes([], 20, 0, 28));

        CliRun run = Nn.Run(Train(data, temp.File("out")));

        AssertOneLineError(run, 2, "train-images-idx3-ubyte", "0x28 pixels");
    }

    [Fact]
    public void Test_images_of_another_size_are_refused_before_training()
    {
        using var temp = new TempFolder();
        string data = temp.File("data");
        TestData.WriteSyntheticDataset(data, 20, 10);
        File.Delete(Path.Combine(data, "t10k-images-idx3-ubyte.gz"));
        IdxFile.Write(Path.Combine(data, "t10k-images-idx3-ubyte"), IdxArray.FromBytes(new byte[10 * 400], 10, 20, 20));

        CliRun run = Nn.Run(Train(data, temp.File("out")));

        AssertOneLineError(run, 2, "t10k-images-idx3-ubyte", "20x20", "28x28");
        Assert.DoesNotContain("train loss", run.Out);
    }

    [Fact]
    public void A_labels_header_whose_dimensions_overflow_is_a_data_error()
    {
        // The reproduction from the report: 3 dimensions 0x04070100 x 0x000A0506 x 0x08090000, then 5 bytes.
        using var temp = new TempFolder();
        string data = temp.File("data");
        TestData.WriteSyntheticDataset(data, 20, 10);
        byte[] header = [0x00, 0x00, 0x08, 0x03, 0x04, 0x07, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x05, 0x06, 0x08, 0x09, 0x00];
        File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte"), [.. header, 1, 2, 3, 4, 5]);

        CliRun run = Nn.Run(Train(data, temp.File("out")));

        AssertOneLineError(run, 2, "train-labels-idx1-ubyte", "the most this reader supports");
    }

    [Fact]
    public void An_output_folder_under_a_file_fails_before_loading_anything()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("plain-file"), "not a folder");

        CliRun run = Nn.Run(Train(fixture.DataFolder, temp.File("plain-file/out")));

        AssertOneLineError(run, 2, "--out", "plain-file is a file, not a folder", "Choose a folder you can write to");
        Assert.DoesNotContain("Loading", run.Out);
    }

    [Fact]
    public void An_output_folder_that_cannot_be_created_fails_before_loading_anything()
    {
        CliRun run = Nn.Run(Train(fixture.DataFolder, "/proc/nn-cannot-write-here"));

        AssertOneLineError(run, 2, "--out /proc/nn-cannot-write-here: cannot write there");
        Assert.DoesNotContain("Loading", run.Out);
    }

    [Fact]
    public void Ctrl_c_before_training_starts_saves_nothing_and_keeps_the_old_model()
    {
        using var temp = new TempFolder();
        string model = temp.File("out/model.nnm");
        Directory.CreateDirectory(temp.File("out"));
        File.Copy(fixture.ModelPath, model);
        byte[] before = File.ReadAllBytes(model);

        CliRun run = Nn.Run(new CancellationToken(canceled: true), Train(fixture.DataFolder, temp.File("out")));

        Assert.True(run.ExitCode == ExitCodes.Interrupted, run.ToString());
        Assert.Contains("nothing saved", run.Err);
        Assert.Equal(before, File.ReadAllBytes(model));
        Assert.Single(Directory.GetFiles(temp.File("out")));
    }

    [Fact]
    public void Ctrl_c_after_a_full_epoch_keeps_an_existing_model_and_saves_beside_it()
    {
        using var temp = new TempFolder();
        string model = temp.File("out/model.nnm");
        Directory.CreateDirectory(temp.File("out"));
        File.Copy(fixture.ModelPath, model);
        byte[] before = File.ReadAllBytes(model);

        CliRun run = RunCancelledAfterFirstEpoch(Train(fixture.DataFolder, temp.File("out"), "--epochs", "5", "--batch-size", "16"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(before, File.ReadAllBytes(model));
        Assert.True(File.Exists(temp.File("out/model.interrupted.nnm")), run.ToString());
        Assert.Contains("left", run.Out);
        Assert.Contains("(stopped by Ctrl+C)", run.Out);
    }

    [Fact]
    public void Ctrl_c_after_a_full_epoch_with_no_model_yet_saves_the_model()
    {
        using var temp = new TempFolder();

        CliRun run = RunCancelledAfterFirstEpoch(Train(fixture.DataFolder, temp.File("out"), "--epochs", "5", "--batch-size", "16"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotNull(ModelFile.Load(temp.File("out/model.nnm")));
        Assert.False(File.Exists(temp.File("out/model.interrupted.nnm")));
    }

    // Presses "Ctrl+C" as soon as the row of epoch 1 is printed: the trainer stops after epoch 2's first batch.
    private static CliRun RunCancelledAfterFirstEpoch(string[] args)
    {
        using var stop = new CancellationTokenSource();
        var output = new CancelOnText("    1   ", stop);
        var error = new StringWriter();
        int code = NnApp.Run(args, new CliHost(output, error, terminal: false, stop.Token));
        return new CliRun(code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_stale_temporary_file_of_a_killed_save_is_removed_by_the_next_save()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("out"));
        // What kill -9 during a save leaves: TARGET.PID.GUID.tmp of a process that no longer exists.
        string stale = temp.File($"out/model.nnm.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, new byte[1000]);

        CliRun run = Nn.Run(Train(fixture.DataFolder, temp.File("out")));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(File.Exists(stale));
        Assert.Equal(["model.nnm"], Directory.GetFiles(temp.File("out")).Select(Path.GetFileName));
    }

    [Fact]
    public void Adam_with_a_huge_learning_rate_stops_as_diverged_and_saves_nothing()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run(Train(fixture.DataFolder, temp.File("out"), "--optimizer", "adam", "--learning-rate", "1e6", "--epochs", "3"));

        AssertOneLineError(run, 2, "training diverged", "lower learning rate");
        Assert.False(File.Exists(temp.File("out/model.nnm")));
    }

    [Fact]
    public void A_model_whose_weights_are_nan_is_refused_by_predict()
    {
        using var temp = new TempFolder();
        var network = Sequential.Mlp(784, [8], 10);
        foreach (Parameter p in network.Parameters) p.Value.Fill(float.NaN);
        ModelFile.Save(network, temp.File("nan.nnm"));

        CliRun run = Nn.Run("predict", temp.File("nan.nnm"), Sample("grey-16bit.png"));

        AssertOneLineError(run, 2, "nan.nnm", "holds NaN");
    }

    [Fact]
    public void A_crafted_model_of_int_max_squared_weights_is_exit_2()
    {
        using var temp = new TempFolder();
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("NNMODEL\0"u8);
            writer.Write((ushort)2);
            writer.Write(1);
            writer.Write("Linear");
            writer.Write(2);
            writer.Write("inputs"); writer.Write(int.MaxValue.ToString());
            writer.Write("outputs"); writer.Write(int.MaxValue.ToString());
            writer.Write(2);
            writer.Write("W"); writer.Write(int.MaxValue); writer.Write(int.MaxValue);
            writer.Write("b"); writer.Write(1); writer.Write(int.MaxValue);
            writer.Write(0);
        }
        byte[] content = body.ToArray();
        File.WriteAllBytes(temp.File("huge.nnm"), [.. content, .. SHA256.HashData(content)]);

        CliRun run = Nn.Run("predict", temp.File("huge.nnm"), Sample("grey-16bit.png"));

        AssertOneLineError(run, 2, "huge.nnm", "2147483647x2147483647");
    }

    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "images", name);

    [Theory]
    [InlineData("grey-16bit.png")]      // 16 bits per channel
    [InlineData("rgba-16bit.png")]      // 16-bit colour with alpha
    [InlineData("palette-alpha.png")]   // palette with a tRNS chunk (transparent background)
    [InlineData("1bit.png")]
    [InlineData("interlaced.png")]      // Adam7
    [InlineData("progressive.jpg")]
    [InlineData("cmyk.jpg")]            // CMYK JPEG (Adobe)
    [InlineData("animated.gif")]        // two frames: the first is read
    public void Pictures_in_the_formats_people_have_are_read(string name)
    {
        CliRun run = Nn.Run("predict", fixture.Mnist.Path, Sample(name), "--top", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{name}: 7 (", run.Out);
    }

    [Fact]
    public void A_format_nn_does_not_read_is_one_line_naming_it()
    {
        CliRun run = Nn.Run("predict", fixture.Mnist.Path, Sample("webp.webp"));

        AssertOneLineError(run, 2, "webp.webp", "not an image");
    }

    [Fact]
    public void A_picture_of_16000_by_16000_is_refused_from_its_header()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("huge.png"), PictureSamples.Png(16000, 16000, PictureSamples.Zlib(new byte[1000])));
        long before = GC.GetAllocatedBytesForCurrentThread();

        CliRun run = Nn.Run("predict", fixture.Mnist.Path, temp.File("huge.png"));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "allocated more than 64 MB");
        AssertOneLineError(run, 2, "huge.png", "16000x16000 = 256,000,000 pixels", "40,000,000");
    }

    [Fact]
    public void A_picture_of_zero_width_is_refused()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("empty.png"), PictureSamples.Png(0, 28, PictureSamples.Zlib([])));

        CliRun run = Nn.Run("predict", fixture.Mnist.Path, temp.File("empty.png"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("empty.png", run.Err);
    }

    [Fact]
    public void A_truncated_png_is_one_line_without_nul_bytes()
    {
        using var temp = new TempFolder();
        byte[] whole = File.ReadAllBytes(Sample("interlaced.png"));
        File.WriteAllBytes(temp.File("cut.png"), whole[..(whole.Length / 2)]);

        CliRun run = Nn.Run("predict", fixture.Mnist.Path, temp.File("cut.png"));

        AssertOneLineError(run, 2, "cut.png", "corrupt PNG image");
        Assert.DoesNotContain('\0', run.Err);
    }
}

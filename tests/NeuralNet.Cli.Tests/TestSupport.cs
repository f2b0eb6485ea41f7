using NeuralNet.Cli;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Serialization;
using NeuralNet.Training;
using StbImageWriteSharp;

// The commands set process-wide state (ComputeSettings.ThreadCount); run the tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NeuralNet.Cli.Tests;

/// <summary>What one in-process run of <c>nn</c> produced.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>Runs <c>nn</c> in-process over string writers, as a pipe would see it (no terminal).</summary>
public static class Nn
{
    public static CliRun Run(params string[] args) => Run(CancellationToken.None, args);

    public static CliRun Run(CancellationToken cancellation, params string[] args) => Run(false, cancellation, args);

    /// <summary>Runs as if standard output were a terminal: live progress bars, escape codes.</summary>
    public static CliRun RunOnTerminal(params string[] args) => Run(true, CancellationToken.None, args);

    private static CliRun Run(bool terminal, CancellationToken cancellation, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = NnApp.Run(args, new CliHost(output, error, terminal, cancellation));
        return new CliRun(code, output.ToString(), error.ToString());
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nn-cli-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, true); }
        catch (IOException) { }
    }
}

/// <summary>Small datasets and images made by the tests.</summary>
public static class TestData
{
    /// <summary>
    /// Writes a tiny 10-class IDX dataset into <paramref name="folder"/>: class c is a bright 5x8 block at its
    /// own place on a noisy 28x28 background, so a small network learns it in a few epochs.
    /// </summary>
    public static void WriteSyntheticDataset(string folder, int trainCount = 300, int testCount = 100, int seed = 1)
    {
        var random = new Random(seed);
        (byte[] Images, byte[] Labels) Make(int count)
        {
            byte[] images = new byte[count * 784];
            byte[] labels = new byte[count];
            for (int i = 0; i < count; i++)
            {
                int label = i % 10;
                labels[i] = (byte)label;
                for (int p = 0; p < 784; p++) images[i * 784 + p] = (byte)random.Next(0, 70);
                int top = label / 5 * 12 + 4 + random.Next(-1, 2), left = label % 5 * 5 + 1 + random.Next(0, 2);
                for (int r = top; r < top + 8; r++)
                    for (int c = left; c < left + 5; c++)
                        images[i * 784 + r * 28 + c] = (byte)random.Next(180, 256);
            }
            return (images, labels);
        }
        Directory.CreateDirectory(folder);
        (byte[]? trainImages, byte[]? trainLabels) = Make(trainCount);
        (byte[]? testImages, byte[]? testLabels) = Make(testCount);
        IdxFile.Write(System.IO.Path.Combine(folder, "train-images-idx3-ubyte"), IdxArray.FromBytes(trainImages, trainCount, 28, 28));
        IdxFile.Write(System.IO.Path.Combine(folder, "train-labels-idx1-ubyte"), IdxArray.FromBytes(trainLabels, trainCount));
        IdxFile.Write(System.IO.Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), IdxArray.FromBytes(testImages, testCount, 28, 28), gzip: true);
        IdxFile.Write(System.IO.Path.Combine(folder, "t10k-labels-idx1-ubyte"), IdxArray.FromBytes(testLabels, testCount));
    }

    /// <summary>
    /// Writes a digit as BMP, JPEG, or PNG with an alpha channel (dark ink, opaque, on transparent
    /// pixels — what drawing programs export), to check the decoder path for each.
    /// </summary>
    public static void WriteImage(string path, string format, DigitImage digit)
    {
        using FileStream stream = File.Create(path);
        var writer = new ImageWriter();
        byte[] grey = digit.ToBytes();
        switch (format)
        {
            case "bmp":
                writer.WriteBmp(grey, digit.Width, digit.Height, ColorComponents.Grey, stream);
                break;
            case "jpg":
                writer.WriteJpg(grey, digit.Width, digit.Height, ColorComponents.Grey, stream, 95);
                break;
            default:
                byte[] greyAlpha = new byte[grey.Length * 2];
                for (int i = 0; i < grey.Length; i++)
                {
                    greyAlpha[2 * i] = 0;           // black ink...
                    greyAlpha[2 * i + 1] = grey[i]; // ...as opaque as the digit is bright; the rest transparent
                }
                writer.WritePng(greyAlpha, digit.Width, digit.Height, ColorComponents.GreyAlpha, stream);
                break;
        }
    }

    /// <summary>Writes a grey image as PNG.</summary>
    public static void WritePng(string path, int width, int height, byte[] grey)
    {
        using FileStream stream = File.Create(path);
        new ImageWriter().WritePng(grey, width, height, ColorComponents.Grey, stream);
    }
}

/// <summary>
/// Shared by all command tests: a synthetic dataset, a model trained on it through <c>nn train</c> (with
/// its report), and a small MNIST model trained in-process for the image tests.
/// </summary>
public sealed class CliFixture : IDisposable
{
    private readonly Lazy<(Sequential Network, string Path, ImageDataset Test)> mnist;

    public CliFixture()
    {
        TestData.WriteSyntheticDataset(DataFolder);
        Train = Nn.Run("train", "--dataset", DataFolder, "--epochs", "6", "--hidden", "32", "--threads", "1", "--out", OutFolder);
        mnist = new(TrainMnist);
    }

    public TempFolder Temp { get; } = new();

    public string DataFolder => Temp.File("synthetic");

    public string OutFolder => Temp.File("out");

    public string ModelPath => Path.Combine(OutFolder, "model.nnm");

    /// <summary>The run of <c>nn train</c> on the synthetic dataset.</summary>
    public CliRun Train { get; }

    /// <summary>A 784-64-10 network trained for one epoch on 10,000 MNIST digits (about 93% accurate), its file, and MNIST's test set.</summary>
    public (Sequential Network, string Path, ImageDataset Test) Mnist => mnist.Value;

    private (Sequential, string, ImageDataset) TrainMnist()
    {
        (ImageDataset? train, ImageDataset? test) = NeuralNet.Data.Mnist.Load();
        var network = Sequential.Mlp(784, [64], 10, seed: 7);
        new Trainer(network, new Adam(0.002), options: new TrainingOptions { Epochs = 1, BatchSize = 32, Seed = 7 }).Fit(train.Take(10_000));
        string path = Temp.File("mnist.nnm");
        ModelFile.Save(network, path);
        return (network, path, test);
    }

    public void Dispose() => Temp.Dispose();
}

[CollectionDefinition("cli")]
public sealed class CliCollection : ICollectionFixture<CliFixture>;

/// <summary>Captures a command's output and cancels its stop token as soon as the output contains a text (a Ctrl+C at that moment).</summary>
internal sealed class CancelOnText(string text, CancellationTokenSource stop) : StringWriter
{
    public override void Write(char value) { base.Write(value); Check(); }

    public override void Write(string? value) { base.Write(value); Check(); }

    public override void Write(char[] buffer, int index, int count) { base.Write(buffer, index, count); Check(); }

    private void Check()
    {
        if (!stop.IsCancellationRequested && GetStringBuilder().ToString().Contains(text)) stop.Cancel();
    }
}

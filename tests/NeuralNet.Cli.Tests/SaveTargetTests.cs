using System.Runtime.Versioning;
using NeuralNet.Serialization;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// A save replaces only a regular file this user may write (issue 23 §3): never a device, a FIFO or a
/// write-protected file; a symbolic link is written through to its file and stays a link; an output that is one
/// of the command's own inputs, or a file that is not a model where a model goes, is refused. Each refusal is
/// exit 2, found before any training, and leaves what was there as it was.
/// </summary>
[Collection("cli")]
[SupportedOSPlatform("linux")]   // file modes, FIFOs and device nodes are Unix ideas; CI runs on Linux
public class SaveTargetTests(CliFixture fixture)
{
    private string[] Train(string modelFile, params string[] more) =>
        ["train", "--dataset", fixture.DataFolder, "--epochs", "1", "--hidden", "16", "--threads", "1", "--no-report", "--model-file", modelFile, .. more];

    private static void AssertRefusedBeforeTraining(CliRun run, params string[] parts)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        foreach (string part in parts) Assert.Contains(part, run.Err.Split('\n')[0]);
        Assert.DoesNotContain("train loss", run.Out);
    }

    [Fact]
    public void Export_onto_a_character_device_is_refused_and_the_device_stays()
    {
        // Root may make a device node; it is /dev/full's twin (1, 7) in a temporary folder, never the real one.
        if (!NnProcess.IsRoot) return;   // without root no device node can be made here; the FIFO tests below still run
        using var temp = new TempFolder();
        string device = temp.File("full");
        NnProcess.Shell($"mknod '{device}' c 1 7");

        CliRun run = Nn.Run("export", fixture.ModelPath, "--onnx", device);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("character device", run.Err);
        Assert.Equal("character special file", NnProcess.FileType(device));
    }

    [Fact]
    public void A_model_file_that_is_a_fifo_is_refused_before_training_and_stays_a_fifo()
    {
        using var temp = new TempFolder();
        string fifo = temp.File("model.nnm");
        NnProcess.Shell($"mkfifo '{fifo}'");

        CliRun run = Nn.Run(Train(fifo));

        AssertRefusedBeforeTraining(run, "--model-file", "FIFO");
        Assert.Equal("fifo", NnProcess.FileType(fifo));
    }

    [Fact]
    public void A_write_protected_model_is_not_replaced_and_keeps_its_mode()
    {
        using var temp = new TempFolder();
        string model = temp.File("model.nnm");
        File.Copy(fixture.ModelPath, model);
        File.SetUnixFileMode(model, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        byte[] before = File.ReadAllBytes(model);

        CliRun run = Nn.Run(Train(model, "--seed", "5"));

        AssertRefusedBeforeTraining(run, "write-protected");
        Assert.Equal(before, File.ReadAllBytes(model));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(model));
    }

    [Fact]
    public void A_replaced_model_keeps_the_permissions_of_the_one_it_replaces()
    {
        using var temp = new TempFolder();
        string model = temp.File("model.nnm");
        File.Copy(fixture.ModelPath, model);
        File.SetUnixFileMode(model, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        CliRun run = Nn.Run(Train(model, "--seed", "5"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(model));
    }

    [Fact]
    public void Export_onto_its_own_model_is_refused_and_the_model_still_loads()
    {
        using var temp = new TempFolder();
        string model = temp.File("m.nnm");
        File.Copy(fixture.ModelPath, model);

        CliRun run = Nn.Run("export", model, "--onnx", model);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("is also an input", run.Err);
        Assert.NotNull(ModelFile.Load(model));
    }

    [Fact]
    public void A_model_file_path_holding_some_other_file_is_refused_and_the_file_kept()
    {
        using var temp = new TempFolder();
        string notes = temp.File("notes.txt");
        File.WriteAllText(notes, "my notes");

        CliRun run = Nn.Run(Train(notes));

        AssertRefusedBeforeTraining(run, "not an nn model");
        Assert.Equal("my notes", File.ReadAllText(notes));
    }

    [Fact]
    public void A_model_file_that_is_the_training_data_is_refused_and_the_data_kept()
    {
        using var temp = new TempFolder();
        string data = temp.File("data");
        TestData.WriteSyntheticDataset(data, 20, 10);
        string images = Path.Combine(data, "train-images-idx3-ubyte");
        byte[] before = File.ReadAllBytes(images);

        CliRun run = Nn.Run("train", "--dataset", data, "--epochs", "1", "--hidden", "16", "--no-report", "--model-file", images);

        AssertRefusedBeforeTraining(run, "--model-file");
        Assert.Equal(before, File.ReadAllBytes(images));
    }

    [Fact]
    public void A_symbolic_link_is_written_through_and_stays_a_link()
    {
        using var temp = new TempFolder();
        string real = temp.File("real.nnm"), link = temp.File("link.nnm");
        File.Copy(fixture.ModelPath, real);
        File.CreateSymbolicLink(link, real);
        byte[] before = File.ReadAllBytes(real);

        CliRun run = Nn.Run(Train(link, "--seed", "5"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.NotEqual(before, File.ReadAllBytes(real));
        Assert.NotNull(ModelFile.Load(real));
    }

    [Fact]
    public void A_symbolic_link_to_nothing_is_refused()
    {
        using var temp = new TempFolder();
        string link = temp.File("model.nnm");
        File.CreateSymbolicLink(link, temp.File("nowhere"));

        CliRun run = Nn.Run(Train(link));

        AssertRefusedBeforeTraining(run, "symbolic link");
        Assert.False(File.Exists(temp.File("nowhere")));
    }
}

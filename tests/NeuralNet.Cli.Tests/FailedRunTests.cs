using NeuralNet.Cli.Infrastructure;
using NeuralNet.Serialization;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// A failed or stopped run never changes the good files (issue 23 §4): the model and the report are written
/// together, so a report that cannot be written leaves the old model; Ctrl+C keeps an existing model's report;
/// paths too long for a save fail before training; SIGTERM stops like Ctrl+C; a file-size limit is exit 2 with no
/// temporary file left.
/// </summary>
[Collection("cli")]
public class FailedRunTests(CliFixture fixture)
{
    private string[] Train(string outFolder, params string[] more) =>
        ["train", "--dataset", fixture.DataFolder, "--hidden", "16", "--threads", "1", "--out", outFolder, .. more];

    [Fact]
    public void A_report_that_cannot_be_written_leaves_the_old_model_and_report()
    {
        using var temp = new TempFolder();
        string outFolder = temp.File("out");
        Directory.CreateDirectory(outFolder);
        string model = Path.Combine(outFolder, "model.nnm"), report = Path.Combine(outFolder, "report.html");
        File.Copy(fixture.ModelPath, model);
        File.WriteAllText(report, "<html>the old report</html>");
        byte[] modelBefore = File.ReadAllBytes(model);

        // 1.5 MB: room for the model (tens of KB), none for the report (plotly.js inline, about 3.6 MB).
        ProcessRun run = NnProcess.Run(Train(outFolder, "--epochs", "1", "--seed", "9"), shellPrefix: "ulimit -f 1500;");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("file-size limit", run.Err);
        Assert.Equal(modelBefore, File.ReadAllBytes(model));
        Assert.Equal("<html>the old report</html>", File.ReadAllText(report));
        Assert.Equal(["model.nnm", "report.html"], Directory.GetFiles(outFolder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Ctrl_c_keeps_the_report_of_the_model_it_keeps()
    {
        using var temp = new TempFolder();
        string outFolder = temp.File("out");
        Directory.CreateDirectory(outFolder);
        File.Copy(fixture.ModelPath, Path.Combine(outFolder, "model.nnm"));
        File.WriteAllText(Path.Combine(outFolder, "report.html"), "<html>the kept model's report</html>");

        using var stop = new CancellationTokenSource();
        var output = new CancelOnText("    1   ", stop);
        var error = new StringWriter();
        int code = NnApp.Run(Train(outFolder, "--epochs", "5", "--batch-size", "16"), new CliHost(output, error, terminal: false, stop.Token));

        Assert.True(code == 0, $"{output}\n{error}");
        Assert.Equal("<html>the kept model's report</html>", File.ReadAllText(Path.Combine(outFolder, "report.html")));
        Assert.True(File.Exists(Path.Combine(outFolder, "report.interrupted.html")), output.ToString());
        Assert.True(File.Exists(Path.Combine(outFolder, "model.interrupted.nnm")), output.ToString());
    }

    [Fact]
    public void A_model_file_name_too_long_for_its_temporary_fails_before_training()
    {
        using var temp = new TempFolder();
        string model = temp.File(new string('m', 240) + ".nnm");   // fits 255, but not with the save's ".PID.GUID.tmp"

        CliRun run = Nn.Run(Train(temp.Path, "--epochs", "1", "--no-report", "--model-file", model));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("too long", run.Err);
        Assert.DoesNotContain("train loss", run.Out);
        Assert.True(run.Err.Split('\n')[0].Length < 400, "the error line shortens the path");
    }

    [Fact]
    public void An_out_folder_of_ten_thousand_characters_fails_before_training_on_one_short_line()
    {
        using var temp = new TempFolder();

        CliRun run = Nn.Run(Train(temp.File(new string('o', 10_000)), "--epochs", "1"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.DoesNotContain("train loss", run.Out);
        Assert.True(run.Err.Split('\n')[0].Length < 400, run.Err[..Math.Min(run.Err.Length, 500)]);
    }

    [Fact]
    public void Sigterm_during_training_stops_and_saves_like_ctrl_c()
    {
        using var temp = new TempFolder();
        string outFolder = temp.File("out");

        ProcessRun run = NnProcess.Run(Train(outFolder, "--epochs", "1000", "--patience", "0", "--batch-size", "16", "--no-report"),
            signalWhen: "    2   ", signal: NnProcess.SigTerm);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("stopped by SIGTERM", run.Out);
        Assert.NotNull(ModelFile.Load(Path.Combine(outFolder, "model.nnm")));
    }

    [Fact]
    public void A_file_size_limit_during_export_is_exit_2_and_leaves_no_temporary_file()
    {
        using var temp = new TempFolder();
        string onnx = temp.File("model.onnx");
        File.WriteAllText(onnx, "the old export");

        // 8 KB: less than the model's ONNX form (tens of KB).
        ProcessRun run = NnProcess.Run(["export", fixture.ModelPath, "--onnx", onnx], shellPrefix: "ulimit -f 8;");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("file-size limit", run.Err);
        Assert.Equal("the old export", File.ReadAllText(onnx));
        Assert.Equal(["model.onnx"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }
}

using NeuralNet.Layers;
using NeuralNet.Onnx;
using NeuralNet.Serialization;

namespace NeuralNet.Cli.Tests;

/// <summary><c>nn export MODEL --onnx OUT</c>: the library's export, from the command line, with the README's exit codes.</summary>
public sealed class ExportCommandTests
{
    [Theory]
    [InlineData("mlp", "N x 784")]
    [InlineData("cnn", "N x 1 x 28 x 28")]
    public void Export_writes_what_the_library_exports_and_describes_input_and_outputs(string kind, string input)
    {
        using var temp = new TempFolder();
        Sequential network = kind == "mlp" ? Sequential.Mlp(784, [32], 10, seed: 3) : ConvNet.Small(seed: 3, filters1: 4, filters2: 8, hidden: 16);
        string model = temp.File("model.nnm"), onnx = temp.File("model.onnx");
        ModelFile.Save(network, model);

        CliRun run = Nn.Run("export", model, "--onnx", onnx);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(OnnxExporter.ToBytes(ModelFile.Load(model)), File.ReadAllBytes(onnx));
        Assert.Contains($"input  'input': float pixels in [0, 1], {input}", run.Out);
        Assert.Contains("output 'logits': raw scores, N x 10", run.Out);
        Assert.Contains("output 'probabilities': class probabilities (softmax), N x 10", run.Out);
    }

    [Fact]
    public void A_missing_model_file_is_exit_code_2_and_a_missing_onnx_option_exit_code_1()
    {
        using var temp = new TempFolder();

        CliRun missingModel = Nn.Run("export", temp.File("none.nnm"), "--onnx", temp.File("x.onnx"));
        CliRun missingOption = Nn.Run("export", temp.File("none.nnm"));

        Assert.True(missingModel.ExitCode == 2, missingModel.ToString());
        Assert.Contains("none.nnm: the model file does not exist", missingModel.Err);
        Assert.True(missingOption.ExitCode == 1, missingOption.ToString());
        Assert.Contains("--onnx", missingOption.Err);
    }
}

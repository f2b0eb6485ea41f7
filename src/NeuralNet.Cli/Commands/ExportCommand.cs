using System.CommandLine;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Layers;
using NeuralNet.Onnx;
using NeuralNet.Serialization;
using Spectre.Console;

namespace NeuralNet.Cli.Commands;

/// <summary>
/// <c>nn export MODEL --onnx OUT.onnx</c>: writes a trained model as ONNX (opset 17), so ONNX Runtime or any
/// other ONNX tool can run it (<see cref="OnnxExporter"/>).
/// </summary>
public static class ExportCommand
{
    public static Command Create(CliHost host)
    {
        var model = new Argument<string>("model") { Description = "The model file (written by nn train)" };
        var onnx = new Option<string>("--onnx")
        {
            Description = "Write the model as ONNX (opset 17) to this file; outputs 'logits' and 'probabilities'",
            Required = true,
        };

        TrainCommand.NotEmpty(onnx, "a file path such as model.onnx");
        var command = new Command("export", "Export a trained model to another format (ONNX) for use outside this library.") { model, onnx };
        command.SetGuardedAction(host, parse =>
        {
            string modelPath = parse.GetValue(model)!, onnxPath = parse.GetValue(onnx)!;
            OutputLocation.RequireWritableFile(onnxPath, "--onnx");
            OutputLocation.RequireNotAnInput(onnxPath, "--onnx", modelPath);
            if (ModelFiles.LooksLikeModel(onnxPath))
                throw new OutputLocationException($"--onnx {Format.PathForMessage(onnxPath)}: is an nn model file; export does not replace models. Choose another path, e.g. model.onnx.");
            Sequential network = ModelLoader.Load(modelPath);
            try
            {
                OnnxExporter.Save(network, onnxPath);
            }
            catch (OnnxExportException e)
            {
                // A model that ONNX cannot express is a model error (exit code 2), like any other unusable model.
                throw new ModelFormatException(modelPath, e.Message, e);
            }
            string input = string.Join(" x ", OnnxExporter.InputDimensions(network));
            IAnsiConsole console = host.Console;
            console.WriteLine($"Model {modelPath}: {network} ({network.ParameterCount:N0} parameters)");
            console.WriteLine($"Wrote {onnxPath} ({new FileInfo(onnxPath).Length:N0} bytes): ONNX opset {OnnxExporter.OpsetVersion}, IR version {OnnxExporter.IrVersion}");
            console.WriteLine($"  input  '{OnnxExporter.InputName}': float pixels in [0, 1], N x {input}");
            foreach (string output in OnnxExporter.OutputNames(network))
                console.WriteLine(output == OnnxExporter.LogitsName
                    ? $"  output '{output}': raw scores, N x {network.OutputSize}"
                    : $"  output '{output}': class probabilities (softmax), N x {network.OutputSize}");
            return ExitCodes.Success;
        });
        return command;
    }
}

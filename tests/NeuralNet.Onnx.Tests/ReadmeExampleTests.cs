using Microsoft.ML.OnnxRuntime;
using NeuralNet.Data;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// The README's "Run the exported model in ONNX Runtime" lines, run as written (only the two paths differ):
/// a learner's model, exported, classifies a digit in ONNX Runtime as the library does.
/// </summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void The_README_lines_classify_a_sample_digit_in_ONNX_Runtime_as_the_library_does()
    {
        string modelPath = Path.Combine(Path.GetTempPath(), $"nn-readme-{Guid.NewGuid():N}.onnx");
        string samplePath = Path.Combine(RepositoryRoot(), "src", "NeuralNet.Cli", "samples", "mnist-2.pgm");
        OnnxExporter.Save(TrainedModels.Mlp, modelPath);
        try
        {
            // --- as in the README ---
            float[] pixels = PgmImage.Read(samplePath).ToMnist().Pixels;            // 784 floats in [0, 1]
            using var session = new InferenceSession(modelPath);
            using var input = OrtValue.CreateTensorValueFromMemory(pixels, [1, 784]);   // a CNN takes [1, 1, 28, 28]
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(new RunOptions(), ["input"], [input], ["probabilities"]);
            float[] p = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Console.WriteLine($"digit {Array.IndexOf(p, p.Max())} ({p.Max():P1})");
            // --- end ---

            int ours = TrainedModels.Mlp.Predict(PgmImage.Read(samplePath).ToMnist().Pixels);
            Assert.Equal(2, ours);
            Assert.Equal(ours, Array.IndexOf(p, p.Max()));
            Assert.Equal(1f, p.Sum(), 4);
        }
        finally
        {
            File.Delete(modelPath);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "NeuralNet.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No NeuralNet.sln above {AppContext.BaseDirectory}.");
    }
}

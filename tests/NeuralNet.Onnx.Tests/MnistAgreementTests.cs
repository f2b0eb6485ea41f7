using System.Diagnostics;
using NeuralNet.Layers;
using NeuralNet.Tensors;
using Xunit.Abstractions;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// The acceptance check: ONNX Runtime runs the exported MLP and CNN on the 10,000 MNIST test images
/// and agrees with the library on the predicted class for at least 99.9% of them, with no class probability
/// more than 1e-4 apart.
/// </summary>
public sealed class MnistAgreementTests(ITestOutputHelper log)
{
    [Fact]
    public void Exported_MLP_agrees_with_the_library_on_the_MNIST_test_set() =>
        CheckAgreement("MLP", TrainedModels.Mlp, TrainedModels.MlpTrainingTime);

    [Fact]
    public void Exported_CNN_with_batch_norm_and_dropout_agrees_with_the_library_on_the_MNIST_test_set() =>
        CheckAgreement("CNN", TrainedModels.Cnn, TrainedModels.CnnTrainingTime);

    private void CheckAgreement(string label, Sequential network, TimeSpan trainingTime)
    {
        Matrix images = TrainedModels.Mnist.Test.Images;
        int[] labels = TrainedModels.Mnist.Test.Labels;
        Matrix ours = network.PredictProbabilities(images);

        var clock = Stopwatch.StartNew();
        using var runtime = new OnnxRuntimeRunner(network);
        Matrix theirs = runtime.Run(images, OnnxExporter.ProbabilitiesName);
        TimeSpan runtimeTime = clock.Elapsed;

        int agree = 0, oursCorrect = 0, theirsCorrect = 0;
        float maxDifference = 0;
        for (int i = 0; i < images.Rows; i++)
        {
            int a = ArgMax(ours.Row(i)), b = ArgMax(theirs.Row(i));
            if (a == b) agree++;
            if (a == labels[i]) oursCorrect++;
            if (b == labels[i]) theirsCorrect++;
            for (int c = 0; c < ours.Cols; c++) maxDifference = Math.Max(maxDifference, Math.Abs(ours[i, c] - theirs[i, c]));
        }
        double agreement = (double)agree / images.Rows;
        log.WriteLine($"{label}: {network} ({network.ParameterCount:N0} parameters), trained in {trainingTime.TotalSeconds:F1} s, "
            + $"ONNX file {OnnxExporter.ToBytes(network).Length:N0} bytes");
        log.WriteLine($"{label}: argmax agreement {agree}/{images.Rows} = {agreement:P2}, largest probability difference {maxDifference:E2}; "
            + $"accuracy ours {oursCorrect / (double)images.Rows:P2}, ONNX Runtime {theirsCorrect / (double)images.Rows:P2} "
            + $"(session and run {runtimeTime.TotalSeconds:F1} s)");

        Assert.Equal(ours.Rows, theirs.Rows);
        Assert.Equal(10, theirs.Cols);
        Assert.True(agreement >= 0.999, $"{label}: ONNX Runtime agrees on only {agreement:P2} of the test images.");
        Assert.True(maxDifference <= 1e-4f, $"{label}: a probability differs by {maxDifference:E2} (> 1e-4).");
        // Trained, not a network that predicts one class for everything (which would agree trivially).
        Assert.True(oursCorrect > 0.9 * images.Rows, $"{label}: the briefly trained model reaches only {oursCorrect} correct.");
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }
}

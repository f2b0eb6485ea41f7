using NeuralNet.Data;
using NeuralNet.Layers;

namespace NeuralNet.Evaluation;

/// <summary>Quick evaluation helpers.</summary>
public static class Metrics
{
    /// <summary>The fraction of positions where <paramref name="predicted"/> equals <paramref name="actual"/>.</summary>
    public static double Accuracy(IReadOnlyList<int> actual, IReadOnlyList<int> predicted)
    {
        if (actual.Count != predicted.Count) throw new ArgumentException($"{actual.Count} labels but {predicted.Count} predictions.", nameof(predicted));
        if (actual.Count == 0) return 0;
        int correct = 0;
        for (int i = 0; i < actual.Count; i++) if (actual[i] == predicted[i]) correct++;
        return (double)correct / actual.Count;
    }

    /// <summary>Runs the network on the dataset and tallies its confusion matrix.</summary>
    public static ConfusionMatrix Evaluate(Sequential network, ImageDataset dataset) =>
        new(dataset.Labels, network.Predict(dataset.Images), dataset.ClassNames);
}

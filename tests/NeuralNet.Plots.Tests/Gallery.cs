using Plotly.NET;
using static NeuralNet.Plots.Tests.TestData;

namespace NeuralNet.Plots.Tests;

/// <summary>One sample of every chart builder, from synthetic data.</summary>
internal static class Gallery
{
    public static IEnumerable<(string Name, GenericChart Chart)> All()
    {
        var random = new Random(1);
        IReadOnlyList<float>[] images = Enumerable.Range(0, 20).Select(i => (IReadOnlyList<float>)Ring(i)).ToArray();
        int[] labels = Enumerable.Range(0, 20).Select(i => i % 10).ToArray();
        int[] predictions = labels.Select((l, i) => i % 7 == 3 ? (l + 1) % 10 : l).ToArray();
        yield return ("digit", Charts.Digit(Ring(2), "label 2"));
        yield return ("digit-grid", Charts.DigitGrid(images, labels, predictions));
        yield return ("class-histogram", Charts.ClassHistogram([("train", labels.Concat(labels).Append(1).ToArray()), ("test", labels)]));
        yield return ("pixel-histogram", Charts.PixelHistogram(images.SelectMany(i => i).ToArray()));
        yield return ("activation-functions", Charts.ActivationFunctions());
        IEnumerable<(string, float[])> layers = Enumerable.Range(1, 4).Select(l => ($"layer {l}", Enumerable.Range(0, 2000).Select(_ => (float)(Normal(random) / l)).ToArray()));
        yield return ("activation-histograms", Charts.ActivationHistograms(layers));
        yield return ("activation-std", Charts.ActivationStdByLayer([("He", [1.0, 0.98, 1.02, 0.99]), ("std 0.01", [0.1, 0.01, 0.001, 1e-4]), ("std 1", [10, 200, 3000, 50000])]));
        RunCurves[] runs = new[] { ("SGD", 0.9), ("Adam", 0.6) }
            .Select(r => new RunCurves(r.Item1,
                Enumerable.Range(1, 10).Select(e => r.Item2 / e + 0.05).ToArray(),
                Enumerable.Range(1, 10).Select(e => r.Item2 / e + 0.09).ToArray())).ToArray();
        yield return ("loss-curves", Charts.LossCurves(runs));
        yield return ("accuracy-curves", Charts.AccuracyCurves([0.9, 0.95, 0.97, 0.98], [0.89, 0.94, 0.96, 0.97]));
        yield return ("training-curves", Charts.TrainingCurves(runs, runs.Select(r => r with { Train = r.Train.Select(v => 1 - v / 2).ToArray(), Validation = r.Validation!.Select(v => 1 - v / 2).ToArray() })));
        yield return ("lr-sweep", Charts.LearningRateSweep([1e-4, 1e-3, 1e-2, 1e-1, 1, 10], [1.2, 0.4, 0.15, 0.09, 0.3, double.NaN]));
        int[,] counts = new int[10, 10];
        for (int t = 0; t < 10; t++)
        {
            for (int p = 0; p < 10; p++)
            {
                counts[t, p] = t == p ? 950 + 5 * t : random.Next(0, 6);
            }
        }
        counts[4, 9] = 25;
        yield return ("confusion-counts", Charts.ConfusionMatrix(counts));
        yield return ("confusion-normalised", Charts.ConfusionMatrix(counts, normalize: true));
        yield return ("confusion-binary", Charts.ConfusionMatrix(new[,] { { 8950, 40 }, { 30, 980 } }, ["not 3", "3"]));
        yield return ("classification-report", Charts.ClassificationReport(counts));
        yield return ("confused-pairs", Charts.ConfusedPairs(counts));
        yield return ("probabilities", Charts.Probabilities([0.01f, 0.02f, 0.05f, 0.7f, 0.02f, 0.1f, 0.02f, 0.03f, 0.03f, 0.02f]));
        yield return ("relative-errors", Charts.RelativeErrors(["W1", "b1", "W2", "b2"], [2e-9, 5e-10, 3e-8, 1e-9]));
        float[] weights = Enumerable.Range(0, 784 * 16).Select(_ => (float)Normal(random)).ToArray();
        yield return ("first-layer-weights", Charts.FirstLayerWeights(weights, 784, 16, count: 16));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

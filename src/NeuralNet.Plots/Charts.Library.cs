using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Layers;
using NeuralNet.Tensors;
using NeuralNet.Training;
using Plotly.NET;

namespace NeuralNet.Plots;

// Thin overloads that take the library's types and call the plain-array builders.
public static partial class Charts
{
    /// <summary>Image <paramref name="index"/> of a dataset, titled with its label.</summary>
    public static GenericChart Digit(ImageDataset dataset, int index, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Digit(dataset.Image(index).ToArray(),
            title ?? $"{dataset.Name} #{index}: label {dataset.ClassNames[dataset.Labels[index]]}", dataset.Width, dataset.Height);
    }

    /// <summary>
    /// The images at <paramref name="indices"/> (by default the first 40) with their labels; with
    /// <paramref name="predictions"/> (one per index) mistakes are framed in red.
    /// </summary>
    public static GenericChart DigitGrid(ImageDataset dataset, IReadOnlyList<int>? indices = null,
        IReadOnlyList<int>? predictions = null, IReadOnlyList<string>? captions = null, int columns = 10, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        indices ??= Enumerable.Range(0, Math.Min(40, dataset.Count)).ToArray();
        IReadOnlyList<float>[] images = indices.Select(i => (IReadOnlyList<float>)dataset.Image(i).ToArray()).ToArray();
        int[] labels = indices.Select(i => dataset.Labels[i]).ToArray();
        return DigitGrid(images, labels, predictions, captions, highlight: null, columns, title, dataset.Width, dataset.Height, dataset.ClassNames);
    }

    /// <summary>The rows of a batch matrix (e.g. a mini-batch's images) as a grid of images.</summary>
    public static GenericChart DigitGrid(Matrix images, IReadOnlyList<int>? labels = null, IReadOnlyList<int>? predictions = null,
        int columns = 10, string? title = null, int width = MnistSide, int height = MnistSide)
    {
        ArgumentNullException.ThrowIfNull(images);
        IReadOnlyList<float>[] rows = Enumerable.Range(0, images.Rows).Select(r => (IReadOnlyList<float>)images.Row(r).ToArray()).ToArray();
        return DigitGrid(rows, labels, predictions, null, null, columns, title, width, height);
    }

    /// <summary>Examples per class of several datasets side by side (as % of each set when <paramref name="normalize"/>).</summary>
    public static GenericChart ClassHistogram(IEnumerable<ImageDataset> datasets, bool normalize = false, string? title = null)
    {
        var list = datasets.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Expected at least one dataset.", nameof(datasets));
        }
        return ClassHistogram(list.Select(d => (d.Name, (IReadOnlyList<int>)d.Labels)), list[0].ClassCount, list[0].ClassNames, normalize, title);
    }

    /// <summary>A histogram of every pixel value of a dataset.</summary>
    public static GenericChart PixelHistogram(ImageDataset dataset, int bins = 32, bool logY = true, string? title = null) =>
        PixelHistogram((ReadOnlySpan<float>)dataset.Images.Span, bins, null, null, logY,
            title ?? $"{dataset.Name}: pixel values ({(long)dataset.Count * dataset.FeatureCount:N0} pixels)");

    /// <summary>Loss per epoch of a run: train (solid) and validation (dashed, when the run had one).</summary>
    public static GenericChart LossCurves(TrainingHistory history, string? title = null) =>
        LossCurves([Loss("", history)], title);

    /// <summary>Loss per epoch of several named runs overlaid.</summary>
    public static GenericChart LossCurves(IEnumerable<(string Name, TrainingHistory History)> runs, string? title = null) =>
        LossCurves(runs.Select(r => Loss(r.Name, r.History)), title);

    /// <summary>Accuracy per epoch of a run: train (solid) and validation (dashed, when the run had one).</summary>
    public static GenericChart AccuracyCurves(TrainingHistory history, string? title = null) =>
        AccuracyCurves([Accuracy("", history)], title);

    /// <summary>Accuracy per epoch of several named runs overlaid.</summary>
    public static GenericChart AccuracyCurves(IEnumerable<(string Name, TrainingHistory History)> runs, string? title = null) =>
        AccuracyCurves(runs.Select(r => Accuracy(r.Name, r.History)), title);

    /// <summary>Loss and accuracy side by side for one run.</summary>
    public static GenericChart TrainingCurves(TrainingHistory history, string? title = null) =>
        TrainingCurves([Loss("", history)], [Accuracy("", history)], title);

    /// <summary>Loss and accuracy side by side for several named runs.</summary>
    public static GenericChart TrainingCurves(IEnumerable<(string Name, TrainingHistory History)> runs, string? title = null)
    {
        var list = runs.ToList();
        return TrainingCurves(list.Select(r => Loss(r.Name, r.History)), list.Select(r => Accuracy(r.Name, r.History)), title);
    }

    /// <summary>A confusion matrix (counts, or % of each true class when <paramref name="normalize"/>).</summary>
    public static GenericChart ConfusionMatrix(ConfusionMatrix confusion, bool normalize = false, string? title = null) =>
        ConfusionMatrix(confusion.Counts, confusion.ClassNames, normalize, title);

    /// <summary>The two-by-two table of one class against the rest.</summary>
    public static GenericChart ConfusionMatrix(BinaryConfusion binary, string? title = null) =>
        ConfusionMatrix(new[,] { { binary.TruePositives, binary.FalseNegatives }, { binary.FalsePositives, binary.TrueNegatives } },
            [binary.ClassName, "not " + binary.ClassName], normalize: false,
            title ?? $"'{binary.ClassName}' against the rest<br><sup>precision {binary.Precision:P2}, recall {binary.Recall:P2}</sup>");

    /// <summary>Per-class precision, recall and F1 of a report.</summary>
    public static GenericChart ClassificationReport(ClassificationReport report, string? title = null) =>
        ClassificationReport(report.Classes.Select(c => c.Precision).ToArray(), report.Classes.Select(c => c.Recall).ToArray(),
            report.Classes.Select(c => c.F1).ToArray(), report.Classes.Select(c => c.ClassName).ToArray(),
            title ?? $"Precision, recall and F1 per class (accuracy {report.Accuracy:P2}, macro F1 {report.MacroF1:P2})");

    /// <summary>The most frequent mistakes of a confusion matrix.</summary>
    public static GenericChart ConfusedPairs(ConfusionMatrix confusion, int top = 10, string? title = null) =>
        ConfusedPairs(confusion.Counts, top, confusion.ClassNames, title);

    /// <summary>
    /// The weights of a first <see cref="Linear"/> layer (inputs = width * height) as images, one per unit.
    /// </summary>
    public static GenericChart FirstLayerWeights(Linear layer, int count = 32, int columns = 8, int width = MnistSide,
        int height = MnistSide, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return FirstLayerWeights(layer.Weights.Value.Span.ToArray(), layer.Inputs, layer.Outputs, count, columns, width, height, title);
    }

    /// <summary>The first <see cref="Linear"/> layer of a network, drawn as images.</summary>
    public static GenericChart FirstLayerWeights(Sequential network, int count = 32, int columns = 8, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        Linear first = network.Layers.OfType<Linear>().FirstOrDefault()
            ?? throw new ArgumentException("The network has no Linear layer.", nameof(network));
        return FirstLayerWeights(first, count, columns, title: title);
    }

    /// <summary>
    /// Runs <paramref name="input"/> through the network and draws the output distribution of every layer
    /// (or only of layers of type <typeparamref name="TLayer"/>, e.g. the activations).
    /// </summary>
    public static GenericChart ActivationHistograms<TLayer>(Sequential network, Matrix input, int bins = 40, string? title = null)
        where TLayer : ILayer
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(input);
        var layers = new List<(string, float[])>();
        Matrix x = input;
        for (int i = 0; i < network.Layers.Count; i++)
        {
            ILayer layer = network.Layers[i];
            x = layer.Forward(x);
            if (layer is TLayer)
            {
                layers.Add(($"{i + 1}: {layer.Name}", x.Span.ToArray()));
            }
        }
        return ActivationHistograms(layers, bins, title: title);
    }

    /// <summary>A probability row (e.g. one row of <see cref="Sequential.PredictProbabilities"/>) as bars.</summary>
    public static GenericChart Probabilities(float[] probabilities, IReadOnlyList<string>? classNames = null, string? title = null) =>
        Probabilities((IReadOnlyList<float>)probabilities, classNames, title);

    /// <summary>A probability row as bars; the span overload, for a row of a matrix.</summary>
    public static GenericChart Probabilities(ReadOnlySpan<float> probabilities, IReadOnlyList<string>? classNames = null, string? title = null) =>
        Probabilities((IReadOnlyList<float>)probabilities.ToArray(), classNames, title);

    private static RunCurves Loss(string name, TrainingHistory history) =>
        new(name, history.TrainLoss, Finite(history.ValidationLoss));

    private static RunCurves Accuracy(string name, TrainingHistory history) =>
        new(name, history.TrainAccuracy, Finite(history.ValidationAccuracy));

    private static double[]? Finite(double[] values) => values.Length > 0 && values.All(double.IsFinite) ? values : null;
}

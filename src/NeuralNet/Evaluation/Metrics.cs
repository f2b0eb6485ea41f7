using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Tensors;

namespace NeuralNet.Evaluation;

/// <summary>
/// Measuring a network on a dataset. <see cref="Measure"/> is the one evaluation loop of the library: the
/// trainer's validation, <c>nn evaluate</c> and <c>nn train</c>'s test score all run it.
/// </summary>
public static class Metrics
{
    /// <summary>
    /// Runs the network (inference mode) over <paramref name="dataset"/> in batches of <paramref name="batchSize"/>
    /// and measures the mean <paramref name="loss"/> (softmax cross-entropy on the outputs by default), the class
    /// probabilities, the predictions and their confusion matrix.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The network's input or output width does not fit the dataset.</exception>
    public static DatasetEvaluation Measure(Sequential network, ImageDataset dataset, ILoss? loss = null, int batchSize = 1000)
    {
        if (network.InputSize != dataset.FeatureCount)
            throw new ShapeMismatchException($"The network expects {network.InputSize} inputs but {dataset.Name} has {dataset.FeatureCount} pixels per image.");
        if (network.OutputSize != dataset.ClassCount)
            throw new ShapeMismatchException($"The network has {network.OutputSize} outputs but {dataset.Name} has {dataset.ClassCount} classes.");
        loss ??= new SoftmaxCrossEntropy();
        var sampler = new MiniBatchSampler(dataset, batchSize);   // not shuffled: batch b holds rows b·batchSize onwards
        var probabilities = new Matrix(dataset.Count, dataset.ClassCount);
        int[] predictions = new int[dataset.Count];
        Matrix? gradient = null, batchProbabilities = null;
        double lossSum = 0;
        for (int b = 0; b < sampler.BatchCount; b++)
        {
            MiniBatch batch = sampler.GetBatch(b);
            int first = b * batchSize;
            Matrix output = network.Forward(batch.Images);
            lossSum += loss.Compute(output, batch.Labels.Span, Matrix.Ensure(ref gradient, output.Rows, output.Cols)) * (double)batch.Size;
            var p = Matrix.Ensure(ref batchProbabilities, output.Rows, output.Cols);
            if (network.Layers[^1] is Softmax) output.CopyTo(p);   // the network already ends in probabilities
            else Softmax.Apply(output, p);
            p.Span.CopyTo(probabilities.Data.AsSpan(first * dataset.ClassCount));
            MatrixOps.ArgMaxRows(p, predictions.AsSpan(first, batch.Size));
        }
        var confusion = new ConfusionMatrix(dataset.Labels, predictions, dataset.ClassNames);
        return new DatasetEvaluation(lossSum / Math.Max(1, dataset.Count), probabilities, predictions, confusion);
    }

    /// <summary>Runs the network on the dataset and tallies its confusion matrix (see <see cref="Measure"/>).</summary>
    public static ConfusionMatrix Evaluate(Sequential network, ImageDataset dataset) => Measure(network, dataset).Confusion;
}

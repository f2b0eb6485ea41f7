using NeuralNet.Tensors;

namespace NeuralNet.Evaluation;

/// <summary>What <see cref="Metrics.Measure"/> found for a network on a dataset, one entry per image in dataset order.</summary>
/// <param name="Loss">The mean loss over the dataset.</param>
/// <param name="Probabilities">Class probabilities, images x classes (softmax of the outputs).</param>
/// <param name="Predictions">The predicted class of each image (argmax of its probabilities).</param>
/// <param name="Confusion">The predictions tallied against the true labels.</param>
public sealed record DatasetEvaluation(double Loss, Matrix Probabilities, int[] Predictions, ConfusionMatrix Confusion)
{
    /// <summary>The fraction of images predicted correctly.</summary>
    public double Accuracy => Confusion.Accuracy;
}

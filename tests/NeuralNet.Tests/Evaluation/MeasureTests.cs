using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Evaluation;

public class MeasureTests
{
    [Theory]
    [InlineData(3)]      // 7 images: batches of 3, 3 and 1
    [InlineData(1000)]
    public void Measure_gives_the_mean_cross_entropy_the_probabilities_and_the_predictions_of_every_image(int batchSize)
    {
        ImageDataset data = TestData.Random(7, 3, 4, seed: 2);
        var net = Sequential.Mlp(9, [5], 4, seed: 3);
        Matrix expectedProbabilities = net.PredictProbabilities(data.Images);
        int[] expectedPredictions = net.Predict(data.Images);
        double expectedLoss = Enumerable.Range(0, data.Count).Average(i => -Math.Log(expectedProbabilities[i, data.Labels[i]]));

        DatasetEvaluation result = Metrics.Measure(net, data, batchSize: batchSize);

        Assert.Equal(expectedLoss, result.Loss, 1e-5);
        for (int i = 0; i < expectedProbabilities.Length; i++) Assert.Equal(expectedProbabilities.Span[i], result.Probabilities.Span[i], 1e-6f);
        Assert.Equal(expectedPredictions, result.Predictions);
        Assert.Equal(expectedPredictions.Where((p, i) => p == data.Labels[i]).Count() / 7.0, result.Accuracy, 1e-12);
    }

    [Fact]
    public void A_network_that_does_not_fit_the_dataset_is_refused()
    {
        ImageDataset data = TestData.Random(4, 3, 4, seed: 2);

        Assert.Throws<ShapeMismatchException>(() => Metrics.Measure(Sequential.Mlp(9, [5], 3), data));
        Assert.Throws<ShapeMismatchException>(() => Metrics.Measure(Sequential.Mlp(8, [5], 4), data));
    }
}

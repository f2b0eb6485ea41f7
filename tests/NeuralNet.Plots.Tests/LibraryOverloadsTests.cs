using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;
using NeuralNet.Training;
using Plotly.NET;
using static NeuralNet.Plots.Tests.TestData;

namespace NeuralNet.Plots.Tests;

public class LibraryOverloadsTests
{
    private static ImageDataset Rings(int count)
    {
        var images = new Matrix(count, 784);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            Ring(labels[i] * 2).CopyTo(images.Row(i));
        }
        return new ImageDataset("rings", images, labels, 28, 28, ["small", "medium", "large"]);
    }

    [Fact]
    public void DigitGrid_of_a_dataset_uses_its_labels_and_class_names()
    {
        ImageDataset data = Rings(6);

        GenericChart chart = Charts.DigitGrid(data, [0, 1, 2], predictions: [0, 2, 2]);

        string[] annotations = ((System.Collections.IEnumerable)Layout(chart, "annotations")!).Cast<DynamicObj.DynamicObj>()
            .Select(a => Get(a, "text")!.ToString()!).ToArray();
        Assert.Equal("small → small", annotations[0]);
        Assert.Contains("medium → large", annotations[1]);
    }

    [Fact]
    public void Curves_of_a_training_history_show_train_and_validation()
    {
        ImageDataset data = Rings(30);
        var network = Sequential.Mlp(784, [8], 3, seed: 1);
        TrainingHistory history = new Trainer(network, new Adam(0.01), options: new TrainingOptions { Epochs = 3, BatchSize = 10 })
            .Fit(data, validation: data);

        GenericChart loss = Charts.LossCurves(history);
        GenericChart both = Charts.TrainingCurves([("a", history), ("b", history)]);

        Assert.Equal(2, TraceTypes(loss).Length);
        Assert.Equal(history.ValidationLoss, Numbers(Get(Traces(loss)[1], "y")));
        Assert.Equal(8, TraceTypes(both).Length);
    }

    [Fact]
    public void ConfusionMatrix_and_report_of_the_library_types()
    {
        var confusion = new ConfusionMatrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 2], ["a", "b", "c"]);

        GenericChart counts = Charts.ConfusionMatrix(confusion);
        GenericChart binary = Charts.ConfusionMatrix(confusion.OneVsRest(1));
        GenericChart report = Charts.ClassificationReport(new ClassificationReport(confusion));

        Assert.Contains("accuracy 80.00%", Title(counts));
        Assert.Equal(4, ((System.Collections.IEnumerable)Layout(binary, "annotations")!).Cast<object>().Count());
        Assert.Equal(["bar", "bar", "bar"], TraceTypes(report));
    }

    [Fact]
    public void FirstLayerWeights_of_a_network_reads_its_first_linear_layer()
    {
        var network = Sequential.Mlp(784, [4], 10, seed: 3);

        GenericChart chart = Charts.FirstLayerWeights(network, count: 4);

        var first = (Linear)network.Layers[0];
        double?[][] rows = ((System.Collections.IEnumerable)Get(Traces(chart)[0], "z")!).Cast<double?[]>().ToArray();
        float max = Enumerable.Range(0, 784).Max(i => Math.Abs(first.Weights.Value[i, 0]));
        Assert.Equal(first.Weights.Value[0, 0] / max, rows[6][0]!.Value, 5);
    }

    [Fact]
    public void ActivationHistograms_of_a_network_keeps_only_the_chosen_layer_type()
    {
        var network = Sequential.Mlp(784, [16, 8], 10, seed: 3);
        Matrix input = Rings(4).Images;

        GenericChart chart = Charts.ActivationHistograms<ReLU>(network, input);

        Assert.Equal(["bar", "bar"], TraceTypes(chart));
    }
}

using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Serialization;

public class ImageLayerModelFileTests
{
    private static Sequential Cnn(int seed)
    {
        var random = new Random(seed);
        var conv1 = new Conv2D(new ImageShape(1, 8, 8), 3, 3, padding: 1, random: random);
        var pool1 = new MaxPool2D(conv1.OutputShape, 2);
        var conv2 = new Conv2D(pool1.OutputShape, 4, 3, stride: 2, random: random);
        return new Sequential(
            conv1, new BatchNorm(conv1.OutputShape), new LeakyReLU(0.2), pool1,
            conv2, new GELU(), new Flatten(),
            new Linear(conv2.OutputShape.Size, 6, Init.He, random), new BatchNorm(6), new ReLU(), new Dropout(0.3, seed: 5),
            new Linear(6, 3, Init.Xavier, random));
    }

    [Fact]
    public void A_network_with_image_layers_and_running_statistics_round_trips()
    {
        using var folder = new TestData.TempFolder();
        var random = new Random(2);
        Sequential net = Cnn(1);
        for (int i = 0; i < 3; i++) net.Forward(GradientCheck.RandomMatrix(5, 64, random), training: true); // move the running statistics
        Matrix input = GradientCheck.RandomMatrix(7, 64, random);

        ModelFile.Save(net, folder.File("cnn.nnm"));
        Sequential loaded = ModelFile.Load(folder.File("cnn.nnm"));

        Assert.Equal(ModelFile.Describe(net), ModelFile.Describe(loaded));
        var bn = (BatchNorm)loaded.Layers[1];
        Assert.Equal(((BatchNorm)net.Layers[1]).RunningMean.Span.ToArray(), bn.RunningMean.Span.ToArray());
        Assert.NotEqual(0f, bn.RunningMean[0, 0]);
        Assert.True(net.PredictProbabilities(input).Span.SequenceEqual(loaded.PredictProbabilities(input).Span));
    }

    [Fact]
    public void LoadInto_restores_running_statistics_too()
    {
        using var folder = new TestData.TempFolder();
        Sequential net = Cnn(1);
        net.Forward(GradientCheck.RandomMatrix(5, 64, new Random(3)), training: true);
        ModelFile.Save(net, folder.File("cnn.nnm"));
        Sequential target = Cnn(9);

        ModelFile.LoadInto(target, folder.File("cnn.nnm"));

        Assert.Equal(((BatchNorm)net.Layers[8]).RunningVariance.Span.ToArray(), ((BatchNorm)target.Layers[8]).RunningVariance.Span.ToArray());
    }

    [Fact]
    public void A_network_without_state_is_still_written_in_format_version_1()
    {
        using var folder = new TestData.TempFolder();
        var net = new Sequential(new Linear(4, 3, random: new Random(1)), new ReLU(), new Linear(3, 2, random: new Random(2)));

        ModelFile.Save(net, folder.File("mlp.nnm"));

        byte[] bytes = File.ReadAllBytes(folder.File("mlp.nnm"));
        Assert.Equal(1, BitConverter.ToUInt16(bytes, 8));
        Assert.Equal(ModelFile.Describe(net), ModelFile.Describe(ModelFile.Load(folder.File("mlp.nnm"))));
    }

    [Fact]
    public void A_network_with_state_is_written_in_format_version_2()
    {
        using var folder = new TestData.TempFolder();

        ModelFile.Save(Cnn(1), folder.File("cnn.nnm"));

        Assert.Equal(2, BitConverter.ToUInt16(File.ReadAllBytes(folder.File("cnn.nnm")), 8));
    }
}

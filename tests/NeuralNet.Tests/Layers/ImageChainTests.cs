using NeuralNet.Engine;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

// Sets the process-wide ComputeSettings.ThreadCount: not in parallel with the other tests that do.
[Collection("ComputeSettings")]
public class ImageChainTests
{
    // The chapter-06 CNN in small: conv → ReLU → pool → conv (→ ReLU) → pool → flatten → dense.
    private static Sequential SmallCnn(bool secondRelu, int secondPadding = 1)
    {
        var random = new Random(7);
        var conv1 = new Conv2D(new ImageShape(2, 10, 12), filters: 5, kernelSize: 3, padding: 1, random: random);
        conv1.Bias.Value.Span.Fill(-0.1f);   // a few outputs exactly cut by the ReLU, whatever the weights
        var pool1 = new MaxPool2D(conv1.OutputShape);
        var conv2 = new Conv2D(pool1.OutputShape, filters: 9, kernelSize: 3, padding: secondPadding, random: random);
        var pool2 = new MaxPool2D(conv2.OutputShape);
        List<ILayer> layers = [conv1, new ReLU(), pool1, conv2];
        if (secondRelu) layers.Add(new ReLU());
        layers.AddRange([pool2, new Flatten(), new Linear(pool2.OutputShape.Size, 4, random: random)]);
        return new Sequential([.. layers]);
    }

    [Theory]
    [InlineData(1, true, true, 1)]
    [InlineData(2, true, true, 1)]
    [InlineData(2, false, true, 1)]
    [InlineData(2, true, false, 1)]    // a convolution without a ReLU inside the chain
    [InlineData(1, true, true, 3)]     // padding above K − 1: the second convolution's dX by im2col, inside a block
    [InlineData(2, false, true, 3)]
    public void The_chain_gives_the_same_bits_as_the_layers_one_by_one(int threads, bool needInputGradient, bool secondRelu, int secondPadding)
    {
        Sequential net = SmallCnn(secondRelu, secondPadding);
        Matrix x = GradientCheck.RandomMatrix(7, net.InputSize, new Random(1));   // 7 images: blocks of unequal size
        Matrix probe = GradientCheck.RandomMatrix(7, net.OutputSize, new Random(2));
        int saved = ComputeSettings.ThreadCount;
        ComputeSettings.ThreadCount = threads;
        try
        {
            LayerByLayer.Pass reference = LayerByLayer.Reference(net, x, probe, needInputGradient);   // no fusion, no chain
            LayerByLayer.Pass chained = LayerByLayer.Network(net, x, probe, needInputGradient);

            Assert.Equal(reference.Output, chained.Output);
            for (int i = 0; i < reference.Gradients.Length; i++) Assert.Equal(reference.Gradients[i], chained.Gradients[i]);
            Assert.Equal(needInputGradient ? x.Length : 0, chained.Gradients[0].Length);
            Assert.Contains(reference.Gradients[1], v => v != 0);   // the first convolution's dW is really computed
        }
        finally
        {
            ComputeSettings.ThreadCount = saved;
        }
    }

    [Fact]
    public void The_chapter_network_runs_its_image_layers_as_one_chain()
    {
        Sequential net = ConvNet.Small();
        var chain = ImageChainStep.StartingAt(net.Layers, 0);
        Assert.NotNull(chain);
        Assert.Equal(6, chain.LayerCount);   // conv, ReLU, pool, conv, ReLU, pool
        Assert.Null(ImageChainStep.StartingAt(ConvNet.Small(batchNorm: true).Layers, 0));   // BatchNorm breaks it: conv alone
    }

    [Fact]
    public void A_chain_with_a_strided_convolution_runs_layer_by_layer()
    {
        var conv = new Conv2D(new ImageShape(1, 8, 8), filters: 2, kernelSize: 3, stride: 2, padding: 1, random: new Random(3));
        var net = new Sequential(conv, new ReLU(), new MaxPool2D(conv.OutputShape));
        ImageChainStep chain = ImageChainStep.StartingAt(net.Layers, 0)!;
        chain.Forward(GradientCheck.RandomMatrix(2, 64, new Random(1)), training: true);
        Assert.False(chain.RanLastForward);
        Matrix y = net.Forward(GradientCheck.RandomMatrix(2, 64, new Random(1)), training: true);
        Assert.Equal(2 * 2 * 2, y.Cols);
        Assert.Equal(2, net.Backward(GradientCheck.RandomMatrix(2, y.Cols, new Random(2))).Rows);
    }
}

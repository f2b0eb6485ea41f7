using NeuralNet.Layers;
using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

public class LayerSnapshotTests
{
    [Fact]
    public void Capture_keeps_each_layers_output_and_the_gradient_the_library_backpropagates()
    {
        var network = Sequential.Mlp(6, [5, 4], 3, seed: 1);
        Matrix images = GradientCheck.RandomMatrix(8, 6, new Random(2));
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];

        IReadOnlyList<LayerSnapshot> snapshots = LayerSnapshot.Capture(network, images, labels);

        Assert.Equal(network.Layers.Count, snapshots.Count);
        Assert.Equal("2: ReLU", snapshots[1].Label);
        // The last layer's gradient is the loss's (P − Y)/B: each row sums to 0.
        float[] last = snapshots[^1].Gradients;
        for (int i = 0; i < 8; i++) Assert.Equal(0, last[(3 * i)..(3 * i + 3)].Sum(), 5);
        // A ReLU passes the gradient only where its output is positive.
        LayerSnapshot relu = snapshots[1];
        LayerSnapshot below = snapshots[0];
        Assert.True(relu.Outputs.Zip(below.Gradients).All(p => p.First > 0 || p.Second == 0));
        // The first Linear's weight gradient was filled, as a training step would.
        Assert.Contains(network.Parameters[0].Gradient.Span.ToArray(), v => v != 0);
    }
}

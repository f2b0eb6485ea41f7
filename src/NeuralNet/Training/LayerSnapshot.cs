using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Tensors;

namespace NeuralNet.Training;

/// <summary>
/// One layer's outputs on a batch and the gradient of the loss with respect to them, ∂L/∂output: the two
/// distributions whose shrinking or growing through depth is what "vanishing" and "exploding" mean.
/// </summary>
/// <param name="Index">The layer's position in the network, from 0.</param>
/// <param name="Layer">The layer.</param>
/// <param name="Outputs">A copy of the layer's output on the batch (training mode).</param>
/// <param name="Gradients">A copy of ∂L/∂output, as the layer above handed it back.</param>
public sealed record LayerSnapshot(int Index, ILayer Layer, float[] Outputs, float[] Gradients)
{
    /// <summary>A label such as <c>2: ReLU</c> (position counted from 1).</summary>
    public string Label => $"{Index + 1}: {Layer.Name}";

    /// <summary>
    /// Runs one batch forward (training mode) and backward through <paramref name="network"/>, layer by layer, and
    /// keeps every layer's output and output gradient. It fills the parameters' gradients as a training step
    /// would, but changes no weight.
    /// </summary>
    public static IReadOnlyList<LayerSnapshot> Capture(Sequential network, Matrix images, ReadOnlySpan<int> labels, ILoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(images);
        IReadOnlyList<ILayer> layers = network.Layers;
        float[][] outputs = new float[layers.Count][];
        Matrix x = images;
        for (int i = 0; i < layers.Count; i++)
        {
            x = layers[i].Forward(x, training: true);
            outputs[i] = x.Span.ToArray();
        }
        var gradient = new Matrix(x.Rows, x.Cols);
        (loss ?? new SoftmaxCrossEntropy()).Compute(x, labels, gradient);
        var snapshots = new LayerSnapshot[layers.Count];
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            snapshots[i] = new LayerSnapshot(i, layers[i], outputs[i], gradient.Span.ToArray());
            gradient = layers[i].Backward(gradient);
        }
        return snapshots;
    }
}

using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

/// <summary>
/// One training pass of a network, run two ways and captured as bits: layer by layer (each layer's own
/// Forward and Backward: the reference) and through <see cref="Sequential"/> (fused pairs, image chains).
/// </summary>
internal static class LayerByLayer
{
    /// <summary>The output, then ∂L/∂input and every parameter gradient, each as the bits of its floats.</summary>
    public sealed record Pass(int[] Output, int[][] Gradients);

    public static Pass Reference(Sequential net, Matrix x, Matrix probe, bool needInputGradient)
    {
        Matrix y = x;
        foreach (ILayer layer in net.Layers) y = layer.Forward(y, training: true);
        int[] output = Bits(y);
        Matrix g = probe;
        for (int l = net.Layers.Count - 1; l >= 0; l--) g = net.Layers[l].Backward(g, needInputGradient || l > 0);
        return new Pass(output, Gradients(net, g));
    }

    public static Pass Network(Sequential net, Matrix x, Matrix probe, bool needInputGradient)
    {
        foreach (Parameter p in net.Parameters) p.Gradient.Clear();   // nothing left from the reference
        int[] output = Bits(net.Forward(x, training: true));
        return new Pass(output, Gradients(net, net.Backward(probe, needInputGradient)));
    }

    private static int[][] Gradients(Sequential net, Matrix inputGradient) =>
        [Bits(inputGradient), .. net.Parameters.Select(p => Bits(p.Gradient))];

    private static int[] Bits(Matrix m) => m.Span.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}

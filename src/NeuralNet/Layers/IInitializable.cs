namespace NeuralNet.Layers;

/// <summary>A layer whose weights are drawn at random and can be drawn again (Linear, Conv2D).</summary>
public interface IInitializable
{
    /// <summary>Draws fresh weights from <paramref name="random"/> and resets biases.</summary>
    void Initialize(Random random);
}

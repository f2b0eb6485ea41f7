using NeuralNet.Tensors;

namespace NeuralNet.Initialization;

/// <summary>Fills a weight matrix (fanIn x fanOut) with random starting values.</summary>
public interface IInitializer
{
    /// <summary>A short name such as <c>He</c>.</summary>
    string Name { get; }

    /// <summary>Fills <paramref name="weights"/>, whose rows are the fan-in and columns the fan-out.</summary>
    void Initialize(Matrix weights, Random random);
}

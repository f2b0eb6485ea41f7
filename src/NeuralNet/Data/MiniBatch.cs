using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>A mini-batch: B images (B x features) and their B labels. Both live in buffers the sampler reuses.</summary>
public readonly record struct MiniBatch(Matrix Images, ReadOnlyMemory<int> Labels)
{
    /// <summary>The number of samples in the batch.</summary>
    public int Size => Images.Rows;
}

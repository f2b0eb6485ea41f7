using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>
/// Cuts a dataset into mini-batches in a shuffled order, gathering each batch's rows into one reused buffer,
/// so an epoch allocates nothing after the first batch. The last batch may be smaller.
/// </summary>
public sealed class MiniBatchSampler
{
    private readonly ImageDataset dataset;
    private readonly int[] order;
    private readonly Matrix images;
    private readonly int[] labels;

    /// <summary>Creates a sampler; the order starts as 0..N−1 until <see cref="Shuffle"/> is called.</summary>
    public MiniBatchSampler(ImageDataset dataset, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        this.dataset = dataset;
        BatchSize = batchSize;
        order = Enumerable.Range(0, dataset.Count).ToArray();
        images = new Matrix(Math.Min(batchSize, Math.Max(dataset.Count, 1)), dataset.FeatureCount);
        labels = new int[batchSize];
    }

    /// <summary>The largest batch size.</summary>
    public int BatchSize { get; }

    /// <summary>Batches per epoch, counting a smaller last batch.</summary>
    public int BatchCount => (dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>Draws a new random order (Fisher–Yates) for the next epoch.</summary>
    public void Shuffle(Random random) => random.Shuffle(order);

    /// <summary>Gathers batch <paramref name="index"/> of the current order into the shared buffers.</summary>
    public MiniBatch GetBatch(int index)
    {
        if ((uint)index >= (uint)BatchCount) throw new ArgumentOutOfRangeException(nameof(index), $"Batch {index} is outside 0..{BatchCount - 1}.");
        int start = index * BatchSize;
        int size = Math.Min(BatchSize, dataset.Count - start);
        images.Reshape(size, dataset.FeatureCount);
        for (int i = 0; i < size; i++)
        {
            int sample = order[start + i];
            dataset.Images.Row(sample).CopyTo(images.Row(i));
            labels[i] = dataset.Labels[sample];
        }
        return new MiniBatch(images, labels.AsMemory(0, size));
    }
}

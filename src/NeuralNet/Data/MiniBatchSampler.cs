using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>
/// Cuts a dataset into mini-batches in a shuffled order, gathering each batch's rows into one reused buffer,
/// so an epoch allocates nothing after the first batch. The last batch may be smaller.
/// </summary>
/// <remarks>
/// When every pixel is a byte scaled to 0..1 (MNIST's, Fashion-MNIST's), the sampler keeps its own copy of them as
/// bytes (<see cref="BytePixels"/>: a quarter of the memory traffic for a gather, the same floats out). It makes it
/// once a whole pass over the batches has been gathered, when a second pass is likely: the copy is one read of every
/// image (about 40 ms for MNIST's 60,000), which a single pass would not win back (it saves 10–20 ms per epoch).
/// Change the dataset's images after that and the batches still hold the old pixels.
/// </remarks>
public sealed unsafe class MiniBatchSampler
{
    private readonly ImageDataset dataset;
    private readonly int[] order;
    private readonly Matrix images;
    private readonly int[] labels;
    private byte[]? pixelBytes;   // the images as bytes b = 255·v, once made and when every value is one
    private long batchesGathered; // the copy is tried when this reaches BatchCount

    /// <summary>Creates a sampler; the order starts as 0..N−1 until <see cref="Shuffle"/> is called.</summary>
    public MiniBatchSampler(ImageDataset dataset, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        this.dataset = dataset;
        BatchSize = batchSize;
        order = Enumerable.Range(0, dataset.Count).ToArray();
        // A batch never holds more than the whole dataset, however large the batch size asked for.
        int largestBatch = Math.Min(batchSize, Math.Max(dataset.Count, 1));
        images = new Matrix(largestBatch, dataset.FeatureCount);
        labels = new int[largestBatch];
    }

    /// <summary>The largest batch size.</summary>
    public int BatchSize { get; }

    /// <summary>Whether batches are gathered from the byte copy of the pixels (see the remarks).</summary>
    internal bool GathersFromBytes => pixelBytes is not null;

    /// <summary>Batches per epoch, counting a smaller last batch.</summary>
    public int BatchCount => (int)(((long)dataset.Count + BatchSize - 1) / BatchSize);

    /// <summary>Draws a new random order (Fisher–Yates) for the next epoch.</summary>
    public void Shuffle(Random random) => random.Shuffle(order);

    /// <summary>Gathers batch <paramref name="index"/> of the current order into the shared buffers.</summary>
    public MiniBatch GetBatch(int index)
    {
        if ((uint)index >= (uint)BatchCount) throw new ArgumentOutOfRangeException(nameof(index), $"Batch {index} is outside 0..{BatchCount - 1}.");
        int start = index * BatchSize;
        int size = Math.Min(BatchSize, dataset.Count - start);
        images.Reshape(size, dataset.FeatureCount);
        for (int i = 0; i < size; i++) labels[i] = dataset.Labels[order[start + i]];
        // images.Row(i) = dataset image order[start + i]: scattered rows of a large array, so the copy waits
        // on memory; large batches are split between the kernel threads, each copying its own run of pixels of
        // every row: the columns a dense first layer's forward and dW products read on that thread
        // (GemmKernel.InnerSplit), so the batch never has to move between the cores' caches.
        int parts = Math.Min(ComputeSettings.ThreadCount, size * dataset.FeatureCount / MinimumFloatsPerPart);
        fixed (float* source = dataset.Images.Data, destination = images.Data)
        fixed (byte* sourceBytes = pixelBytes)
        fixed (int* rows = &order[start])
        {
            var job = new GatherJob(source, sourceBytes, destination, rows, size, dataset.FeatureCount, Math.Max(parts, 1), GemmKernel.TileRows);
            if (job.Parts == 1) Gather(0, &job);
            else WorkerPool.Run(job.Parts, &Gather, &job);
        }
        if (++batchesGathered == BatchCount) pixelBytes = BytePixels.TryPack(dataset.Images.Span);
        return new MiniBatch(images, labels.AsMemory(0, size));
    }

    // A thread's share of a gather is at least this many floats (a batch of 64 MNIST images is 50,176).
    private const int MinimumFloatsPerPart = 16 * 1024;

    private readonly struct GatherJob(float* source, byte* sourceBytes, float* destination, int* rows, int count, int features, int parts, int run)
    {
        public readonly float* Source = source, Destination = destination;
        public readonly byte* SourceBytes = sourceBytes; // the same pixels as bytes, or null
        public readonly int* Rows = rows;
        public readonly int Count = count, Features = features, Parts = parts, Run = run;
    }

    // Copies part p of every row's pixels, cut in runs of the product kernel's tile rows: for two parts the cut of
    // GemmKernel.InnerSplit.
    private static void Gather(int part, void* state)
    {
        ref readonly GatherJob job = ref *(GatherJob*)state;
        long features = job.Features;
        int runs = (job.Features + job.Run - 1) / job.Run;
        int first = Math.Min(job.Features, (int)((long)runs * part / job.Parts) * job.Run);
        int last = Math.Min(job.Features, (int)((long)runs * (part + 1) / job.Parts) * job.Run);
        for (int i = 0; i < job.Count; i++)
        {
            long from = job.Rows[i] * features + first;
            float* to = job.Destination + i * features + first;
            if (job.SourceBytes != null) BytePixels.Unpack(job.SourceBytes + from, to, last - first);
            else new ReadOnlySpan<float>(job.Source + from, last - first).CopyTo(new Span<float>(to, last - first));
        }
    }
}

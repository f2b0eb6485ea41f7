using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>What copying a batch many times cost: time per batch, bytes allocated per batch, full collections.</summary>
public sealed record CopyCost(Spread SecondsPerBatch, long BytesPerBatch, int FullCollections);

/// <summary>
/// Chapter 7's allocation experiment: copy one batch <c>copies</c> times into a destination that is either a new
/// matrix each time or one reused matrix. The copy is the same work either way; the difference is the allocation.
/// </summary>
public static class BatchCopy
{
    /// <summary>Copies <paramref name="batch"/> into <paramref name="destination"/>() <paramref name="copies"/> times: the bytes
    /// and full (generation 2) collections of one pass, and the wall-clock time per batch over <paramref name="runs"/> passes.</summary>
    public static CopyCost Measure(Matrix batch, Func<Matrix> destination, int copies, int runs = 5)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(copies);
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        int full = GC.CollectionCount(2);
        CopyAll();
        (bytes, full) = (GC.GetAllocatedBytesForCurrentThread() - bytes, GC.CollectionCount(2) - full);
        // The wall clock: the garbage collector's work on its own threads is part of the cost.
        Spread seconds = KernelTimer.Seconds(CopyAll, runs, threadCpuTime: false);
        return new CopyCost(seconds.Select(s => s / copies), bytes / copies, full);

        void CopyAll()
        {
            for (int s = 0; s < copies; s++) batch.CopyTo(destination());
        }
    }
}

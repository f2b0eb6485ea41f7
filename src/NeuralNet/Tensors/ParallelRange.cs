using System.Runtime.InteropServices;

namespace NeuralNet.Tensors;

/// <summary>
/// Splits a range of independent work items (samples, channels, rows) into contiguous blocks and runs them
/// on the kernels' <see cref="WorkerPool"/> (<see cref="ComputeSettings.ThreadCount"/> threads), so the
/// image layers share the threads the matrix products keep awake instead of waking others.
/// </summary>
internal static unsafe class ParallelRange
{
    // A few blocks per thread: on a busy machine a descheduled thread's blocks are claimed by the others.
    private const int BlocksPerThread = 4;

    private sealed class Job(Action<int, int> body, int count, int blocks)
    {
        public readonly Action<int, int> Body = body;
        public readonly int Count = count, Blocks = blocks;
    }

    // Fewest floats touched per block: less than this is cheaper to do than to hand to another thread.
    private const long MinimumFloatsPerBlock = 32 * 1024;

    /// <summary>
    /// Runs <paramref name="body"/>(block) for block = 0..blocks−1 on the pool, each block on one thread with
    /// everything inside it (matrix products and other splits) kept on that thread (<see cref="WorkerPool"/>): for coarse work such as a
    /// convolution's groups of images, where one split per layer costs far less than one per product.
    /// </summary>
    public static void ForBlocks(int blocks, Action<int> body)
    {
        var handle = GCHandle.Alloc(body);
        try
        {
            WorkerPool.Run(blocks, &RunWholeBlock, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
    }

    private static void RunWholeBlock(int block, void* state)
    {
        var body = (Action<int>)GCHandle.FromIntPtr((IntPtr)state).Target!;
        body(block);
    }

    /// <summary>Runs <paramref name="body"/>(start, end) on disjoint blocks covering [0, count).</summary>
    /// <param name="floatsPerItem">About how many values one item reads or writes; blocks get at least
    /// 32K values of work, and less than two blocks' worth stays on the calling thread.</param>
    public static void For(int count, Action<int, int> body, long floatsPerItem)
    {
        long minimumItems = Math.Max(1, (MinimumFloatsPerBlock + floatsPerItem - 1) / Math.Max(1, floatsPerItem));
        int blocks = (int)Math.Min(ComputeSettings.ThreadCount * BlocksPerThread, count / minimumItems);
        if (ComputeSettings.ThreadCount <= 1 || blocks <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        var handle = GCHandle.Alloc(new Job(body, count, blocks));
        try
        {
            WorkerPool.Run(blocks, &RunBlock, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
    }

    private static void RunBlock(int block, void* state)
    {
        var job = (Job)GCHandle.FromIntPtr((IntPtr)state).Target!;
        int start = (int)((long)job.Count * block / job.Blocks), end = (int)((long)job.Count * (block + 1) / job.Blocks);
        if (end > start) job.Body(start, end);
    }
}

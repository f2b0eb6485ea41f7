using System.Runtime.InteropServices;

namespace NeuralNet.Tensors;

/// <summary>
/// How the image layers cut a batch between threads: one contiguous range of images per core, the same
/// ranges in every layer and in both directions, so that a core reads back the images it wrote itself.
/// </summary>
/// <remarks>
/// The count follows the machine's cores, not the thread count: a
/// convolution sums its filter gradient block by block, and that sum must not change when the trainer
/// switches between one thread and several (one thread simply runs the blocks one after the other).
/// </remarks>
internal static unsafe class ImageBlocks
{
    /// <summary>The number of blocks for a batch of <paramref name="images"/>: one per core, at most one per image.</summary>
    public static int Count(int images) => Math.Max(1, Math.Min(images, Environment.ProcessorCount));

    /// <summary>The images [First, End) of block <paramref name="block"/> out of <paramref name="blocks"/>.</summary>
    public static (int First, int End) Range(int images, int block, int blocks) =>
        ((int)((long)images * block / blocks), (int)((long)images * (block + 1) / blocks));

    /// <summary>
    /// Runs <paramref name="body"/>(block, state) for every block on the kernel threads (<see cref="WorkerPool"/>),
    /// with <paramref name="owner"/> (the layer) as the state: a GC handle instead of a closure, so a training
    /// step allocates nothing. The body gets the owner back with <see cref="CallWithOwner{T}"/>.
    /// </summary>
    public static void Run(object owner, int blocks, delegate*<int, void*, void> body)
    {
        var handle = GCHandle.Alloc(owner);
        try
        {
            WorkerPool.Run(blocks, body, (void*)GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>
    /// Inside a block of <see cref="Run"/>: <paramref name="body"/>(owner, block). Every matrix product inside it
    /// stays on this thread (the pool runs each part with a one-thread context: the blocks already use every core).
    /// </summary>
    public static void CallWithOwner<T>(void* state, int block, delegate*<T, int, void> body) where T : class =>
        body((T)GCHandle.FromIntPtr((IntPtr)state).Target!, block);
}

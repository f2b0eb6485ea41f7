using NeuralNet.Engine;

namespace NeuralNet.Tensors;

/// <summary>The chapters' short way to the thread count of the current <see cref="ComputeContext"/>.</summary>
public static class ComputeSettings
{
    /// <summary>
    /// How many threads the kernels may use: <see cref="ComputeContext.ThreadCount"/> of
    /// <see cref="ComputeContext.Current"/> (default: all cores). 1 keeps everything on the calling thread.
    /// </summary>
    public static int ThreadCount
    {
        get => ComputeContext.Current.ThreadCount;
        set => ComputeContext.Current.ThreadCount = value;
    }
}

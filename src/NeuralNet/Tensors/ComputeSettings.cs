namespace NeuralNet.Tensors;

/// <summary>Process-wide settings for the compute kernels.</summary>
public static class ComputeSettings
{
    private static int threadCount = Environment.ProcessorCount;

    /// <summary>How many threads the kernels may use (default: all cores). 1 keeps everything on the calling thread.</summary>
    public static int ThreadCount
    {
        get => threadCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            threadCount = value;
        }
    }
}

namespace NeuralNet.Tensors;

/// <summary>
/// Splits a range of independent work items (samples, channels, rows) over
/// <see cref="ComputeSettings.ThreadCount"/> threads, in one contiguous block per thread.
/// </summary>
internal static class ParallelRange
{
    /// <summary>Runs <paramref name="body"/>(start, end) on disjoint blocks covering [0, count).</summary>
    /// <param name="minimumWork">Below this many items per thread the work stays on the calling thread
    /// (waking a worker costs tens of microseconds).</param>
    public static void For(int count, Action<int, int> body, int minimumWork = 1)
    {
        int threads = Math.Min(ComputeSettings.ThreadCount, count / Math.Max(1, minimumWork));
        if (threads <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = (int)((long)count * t / threads), end = (int)((long)count * (t + 1) / threads);
            if (end > start) body(start, end);
        });
    }
}

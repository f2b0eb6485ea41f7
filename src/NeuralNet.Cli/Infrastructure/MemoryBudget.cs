using NeuralNet.Layers;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// How much memory a command may still use, and how much a network needs to run, so that a model or a
/// network size that cannot fit is refused up front (exit 1 or 2) instead of failing part-way with an
/// out-of-memory error.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The rows a network runs at once when it evaluates or predicts (<see cref="Sequential"/> works in chunks of 1,024).</summary>
    public const int InferenceRows = 1024;

    /// <summary>
    /// Bytes this process can still allocate: what the runtime allows it in all (the machine's memory, a
    /// container's limit, or <c>DOTNET_GCHeapHardLimit</c>) less what it already holds, and at most what the
    /// system has available now (Linux's <c>MemAvailable</c>).
    /// </summary>
    public static long Available()
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        long held = Math.Max(GC.GetTotalMemory(forceFullCollection: false), info.HeapSizeBytes);
        long available = info.TotalAvailableMemoryBytes - held;
        if (SystemAvailable() is long system) available = Math.Min(available, system);
        return Math.Max(available, 0);
    }

    /// <summary>
    /// About how many bytes <paramref name="network"/> needs beyond its loaded weights to run
    /// <paramref name="rows"/> samples at once: every layer owns a buffer for its output (and, in training, one for
    /// the gradient it passes back, and a spare for masks and normalised copies), so this is rows × the sum of the
    /// layers' output widths × 4 bytes, times 1 (inference) or 3 (training).
    /// </summary>
    public static double RunBytes(Sequential network, int rows, bool training)
    {
        double floats = 0;
        int width = network.InputSize;
        foreach (ILayer layer in network.Layers)
        {
            width = layer.OutputSizeFor(width);
            floats += (double)rows * width;
        }
        return floats * sizeof(float) * (training ? 3 : 1);
    }

    /// <summary>"1.2 GB" or "350 MB".</summary>
    public static string Describe(double bytes) => bytes >= 1e9 ? $"{bytes / 1e9:N1} GB" : $"{bytes / 1e6:N0} MB";

    // MemAvailable from /proc/meminfo, in bytes; null where there is no such file.
    private static long? SystemAvailable()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], out long kilobytes))
                    return kilobytes * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}

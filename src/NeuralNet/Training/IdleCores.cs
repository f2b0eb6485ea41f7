using Microsoft.Win32.SafeHandles;

namespace NeuralNet.Training;

/// <summary>
/// How many cores of the machine sat idle, on average, between two calls of <see cref="SinceLastCall"/>: read from
/// the kernel's CPU time counters (<c>/proc/stat</c>, Linux). <see cref="ThreadChooser"/> asks it whether a second
/// core was free while training ran on one thread, before it tries two.
/// </summary>
/// <remarks>No allocation per call (the file handle and buffer are kept), so it can run while training. Elsewhere
/// than Linux, or if the file cannot be read, it answers null (unknown).</remarks>
internal sealed class IdleCores : IDisposable
{
    private readonly SafeFileHandle? stat;
    private readonly byte[] buffer = new byte[256];
    private long lastIdle = -1, lastTotal = -1;

    public IdleCores()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            stat = File.OpenHandle("/proc/stat");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Idle cores on average since the previous call (0 .. the number of cores), or null on the first call or when unknown.</summary>
    public double? SinceLastCall()
    {
        if (stat is null || !TryRead(out long idle, out long total)) return null;
        double? result = lastTotal < 0 || total <= lastTotal ? null : Environment.ProcessorCount * (double)(idle - lastIdle) / (total - lastTotal);
        (lastIdle, lastTotal) = (idle, total);
        return result;
    }

    // The first line: "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks; idle + iowait is idle.
    private bool TryRead(out long idle, out long total)
    {
        idle = total = 0;
        int length;
        try
        {
            length = RandomAccess.Read(stat!, buffer, fileOffset: 0);
        }
        catch (IOException)
        {
            return false;
        }
        int i = 3, field = 0; // after "cpu"
        while (i < length && buffer[i] != (byte)'\n' && field < 8)
        {
            while (i < length && buffer[i] == (byte)' ') i++;
            long value = 0;
            bool digits = false;
            while (i < length && buffer[i] is >= (byte)'0' and <= (byte)'9')
            {
                value = value * 10 + (buffer[i++] - '0');
                digits = true;
            }
            if (!digits) break;
            total += value;
            if (field is 3 or 4) idle += value;
            field++;
        }
        return field >= 5;
    }

    public void Dispose() => stat?.Dispose();
}

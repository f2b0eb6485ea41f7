namespace NeuralNet.Teaching;

/// <summary>What the operating system says about the processor: its name and the clock it reports.</summary>
/// <param name="Model">The "model name" line of /proc/cpuinfo, or "unknown".</param>
/// <param name="ReportedGHz">The "cpu MHz" line in GHz, or null. In a virtual machine this is often the
/// nominal (base) clock, not the clock the core runs at now.</param>
/// <param name="Cores">Logical processors .NET sees.</param>
public sealed record CpuInfo(string Model, double? ReportedGHz, int Cores)
{
    /// <summary>Reads /proc/cpuinfo (Linux); elsewhere only the core count is known.</summary>
    public static CpuInfo Read(string path = "/proc/cpuinfo")
    {
        string model = "unknown";
        double? ghz = null;
        if (File.Exists(path))
        {
            foreach (string line in File.ReadLines(path))
            {
                string[] parts = line.Split(':', 2);
                if (parts.Length != 2) continue;
                string key = parts[0].Trim(), value = parts[1].Trim();
                if (key == "model name" && model == "unknown") model = value;
                if (key == "cpu MHz" && ghz is null && double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double mhz))
                    ghz = mhz / 1000;
            }
        }
        return new CpuInfo(model, ghz, Environment.ProcessorCount);
    }

    /// <summary>The 1, 5 and 15-minute load averages of Linux's /proc/loadavg (programs wanting a core, on average), or "unknown".</summary>
    public static string LoadAverage(string path = "/proc/loadavg") =>
        File.Exists(path) ? string.Join(" ", File.ReadAllText(path).Split(' ').Take(3)) : "unknown";
}

namespace NeuralNet.Benchmarks;

/// <summary>Minimal <c>--name value</c> parsing for the benchmark commands.</summary>
internal static class Options
{
    public static int Int(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    public static string? Text(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>
    /// <c>--threads N</c> or <c>--threads auto</c> (the default): the most kernel threads, and whether the trainer
    /// chooses between 1 and that many while it trains (as <c>nn train</c> does by default).
    /// </summary>
    public static (int Threads, bool Choose) Threads(string[] args)
    {
        string text = Text(args, "--threads") ?? "auto";
        return text == "auto" ? (Environment.ProcessorCount, true)
            : (int.Parse(text, System.Globalization.CultureInfo.InvariantCulture), false);
    }
}

namespace NeuralNet.Teaching;

/// <summary>One cache of the processor, as the operating system describes it.</summary>
/// <param name="Level">1 for the cache nearest the core.</param>
/// <param name="Type">"Data", "Instruction" or "Unified".</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Ways">How many lines one set holds (its associativity), or 0 if not reported.</param>
/// <param name="LineBytes">The size of one cache line (64 bytes on today's x86 and most ARM cores), or 0 if not reported.</param>
public sealed record CacheInfo(int Level, string Type, long Bytes, int Ways, int LineBytes)
{
    /// <summary>Sets in the cache: lines / ways. An address's set is (address / line) mod sets.</summary>
    public long Sets => Ways > 0 && LineBytes > 0 ? Bytes / LineBytes / Ways : 0;

    /// <summary>
    /// How many of this cache's sets the addresses x, x + stride, x + 2·stride, ... fall into. A line's set is
    /// (address / line) mod sets, so a stride of s whole lines visits sets / gcd(sets, s) of them; a stride that is
    /// not a whole number of lines drifts through all of them. A column walk that visits few sets can keep only
    /// (sets visited) x ways of its lines in the cache, however large the cache is.
    /// </summary>
    public long SetsVisited(long strideBytes)
    {
        if (Sets == 0 || strideBytes % LineBytes != 0) return Sets;
        return Sets / (long)System.Numerics.BigInteger.GreatestCommonDivisor(Sets, strideBytes / LineBytes);
    }

    /// <summary>The caches of CPU 0 from Linux's /sys/devices/system/cpu/cpu0/cache; empty elsewhere.</summary>
    public static IReadOnlyList<CacheInfo> Read(string folder = "/sys/devices/system/cpu/cpu0/cache")
    {
        var caches = new List<CacheInfo>();
        if (!Directory.Exists(folder)) return caches;
        foreach (string index in Directory.GetDirectories(folder, "index*").Order())
        {
            string Text(string name) => File.Exists(Path.Combine(index, name)) ? File.ReadAllText(Path.Combine(index, name)).Trim() : "";
            int Number(string name) => int.TryParse(Text(name), out int value) ? value : 0;
            caches.Add(new CacheInfo(Number("level"), Text("type"), ParseSize(Text("size")), Number("ways_of_associativity"), Number("coherency_line_size")));
        }
        return caches;
    }

    /// <summary>The data (or unified) cache of the given level, or null.</summary>
    public static CacheInfo? DataCache(IReadOnlyList<CacheInfo> caches, int level) =>
        caches.FirstOrDefault(c => c.Level == level && c.Type is "Data" or "Unified");

    /// <inheritdoc/>
    public override string ToString() =>
        $"L{Level} {Type,-11} {Bytes / 1024,6} KB" + (Ways > 0 ? $", {Ways}-way, {LineBytes}-byte lines, {Sets} sets" : "");

    // "32K", "1024K", "32M" or a plain number of bytes.
    private static long ParseSize(string text)
    {
        if (text.Length == 0) return 0;
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1024, 'M' => 1024 * 1024, 'G' => 1024 * 1024 * 1024, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        return long.TryParse(digits, out long value) ? value * unit : 0;
    }
}

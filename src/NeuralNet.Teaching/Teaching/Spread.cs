namespace NeuralNet.Teaching;

/// <summary>
/// Several measurements of one thing, summarised as their median and their range. On a shared machine
/// other programs add time to some runs and not others: the median says what a typical run took, the
/// range (min–max) how much the runs disagreed. A single number, or the fastest of a few, hides that.
/// </summary>
/// <param name="Values">Every measurement, in the order taken.</param>
public sealed record Spread(IReadOnlyList<double> Values)
{
    /// <summary>The middle value (the mean of the two middle ones for an even count).</summary>
    public double Median { get; } = MedianOf(Values);

    /// <summary>The smallest value.</summary>
    public double Min { get; } = Values.Min();

    /// <summary>The largest value.</summary>
    public double Max { get; } = Values.Max();

    /// <summary>Each value passed through <paramref name="map"/> (e.g. seconds to GFLOP/s), in the same order.</summary>
    public Spread Select(Func<double, double> map) => new(Values.Select(map).ToArray());

    /// <summary>"median (min–max)" with the given number format.</summary>
    public string ToString(string format) => $"{Median.ToString(format)} ({Min.ToString(format)}–{Max.ToString(format)})";

    /// <inheritdoc/>
    public override string ToString() => ToString("G3");

    private static double MedianOf(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("A spread needs at least one value.", nameof(values));
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

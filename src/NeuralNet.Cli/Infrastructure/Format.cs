using System.Globalization;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>Number formats shared by the commands (the invariant culture's "P" format puts a space before %).</summary>
public static class Format
{
    /// <summary>0.9781 → "97.81%".</summary>
    public static string Percent(double fraction, int decimals = 2) =>
        (fraction * 100).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%";
}

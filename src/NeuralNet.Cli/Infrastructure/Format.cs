using System.Globalization;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>Number and path formats shared by the commands (the invariant culture's "P" format puts a space before %).</summary>
public static class Format
{
    /// <summary>The longest path a message shows whole.</summary>
    public const int MaxShownPathLength = 120;

    /// <summary>A path for a one-line message: a very long one as its start, "…", its end and its length.</summary>
    public static string PathForMessage(string path) => path.Length <= MaxShownPathLength
        ? path
        : $"{path[..50]}…{path[^50..]} ({path.Length:N0} characters)";

    /// <summary>0.9781 → "97.81%".</summary>
    public static string Percent(double fraction, int decimals = 2) =>
        (fraction * 100).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%";
}

namespace NeuralNet.Exercises;

/// <summary>Comparisons that name the first entry that is off, for the exercise checks' messages.</summary>
internal static class Compare
{
    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/> within a relative tolerance; otherwise what is off.</summary>
    public static string? Arrays(string name, double[] expected, double[]? actual, double tolerance)
    {
        if (actual is null) return $"{name} is null.";
        if (actual.Length != expected.Length) return $"{name} has {actual.Length} entries, expected {expected.Length}.";
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(actual[i]) || double.IsInfinity(actual[i]))
                return $"{name}[{i}] is {actual[i]}: something overflowed or divided by zero.";
            if (RelativeError(expected[i], actual[i]) > tolerance)
                return $"{name}[{i}] = {actual[i]:G6}, expected {expected[i]:G6}.";
        }
        return null;
    }

    /// <summary>The same for a matrix; also checks the shape.</summary>
    public static string? Matrices(string name, double[,] expected, double[,]? actual, double tolerance)
    {
        if (actual is null) return $"{name} is null.";
        int rows = expected.GetLength(0), cols = expected.GetLength(1);
        if (actual.GetLength(0) != rows || actual.GetLength(1) != cols)
            return $"{name} is {actual.GetLength(0)}x{actual.GetLength(1)}, expected {rows}x{cols}" +
                   (actual.GetLength(0) == cols && actual.GetLength(1) == rows ? " (transposed?)." : ".");
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                if (!double.IsFinite(actual[i, j]))
                    return $"{name}[{i},{j}] is {actual[i, j]}: something overflowed or divided by zero.";
                if (RelativeError(expected[i, j], actual[i, j]) > tolerance)
                    return $"{name}[{i},{j}] = {actual[i, j]:G6}, expected {expected[i, j]:G6}.";
            }
        return null;
    }

    /// <summary>|a − b| / max(|a|, |b|, 1): relative for large values, absolute for small ones.</summary>
    public static double RelativeError(double a, double b) => Math.Abs(a - b) / Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    /// <summary>True when every entry of <paramref name="actual"/> is within <paramref name="tolerance"/> of <paramref name="candidate"/>.</summary>
    public static bool Close(double[] candidate, double[] actual, double tolerance = 1e-6) =>
        candidate.Length == actual.Length && candidate.Zip(actual).All(p => RelativeError(p.First, p.Second) <= tolerance);

    /// <summary>The same for matrices of one shape.</summary>
    public static bool Close(double[,] candidate, double[,] actual, double tolerance = 1e-6) =>
        candidate.GetLength(0) == actual.GetLength(0) && candidate.GetLength(1) == actual.GetLength(1)
        && Matrices("", candidate, actual, tolerance) is null;
}

using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>The test matrices of chapter 7 and the check that a kernel's product is right.</summary>
public static class Matrices
{
    /// <summary>A rows x cols matrix of values uniform in [-1, 1), the same for the same seed.</summary>
    public static Matrix Random(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        var matrix = new Matrix(rows, cols);
        for (int i = 0; i < matrix.Length; i++) matrix.Data[i] = (float)(random.NextDouble() * 2 - 1);
        return matrix;
    }

    /// <summary>Throws unless every element of <paramref name="actual"/> is within 1e-5·k of <paramref name="expected"/>'s:
    /// float sums of k terms in another order differ by about that much.</summary>
    /// <exception cref="InvalidOperationException">Naming the kernel and the largest difference.</exception>
    public static void RequireClose(string kernel, Matrix actual, Matrix expected, int k)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        double worst = 0;
        for (int i = 0; i < actual.Length; i++) worst = Math.Max(worst, Math.Abs(actual.Data[i] - expected.Data[i]));
        if (worst > 1e-5 * k)
            throw new InvalidOperationException($"{kernel}: wrong result at size {actual.Shape} (largest difference {worst:G3}).");
    }
}

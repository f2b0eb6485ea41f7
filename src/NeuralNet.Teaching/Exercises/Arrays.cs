using NeuralNet.Tensors;

namespace NeuralNet.Exercises;

/// <summary>
/// The few double-precision matrix helpers that backpropagation "by hand" needs (chapter 3): plain
/// <c>double[,]</c> arrays, written for reading, not speed. The library's <see cref="Matrix"/> does the same in float.
/// </summary>
public static class Arrays
{
    /// <summary>The matrix product A·B (A: n×k, B: k×m).</summary>
    public static double[,] MatMul(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(1);
        if (b.GetLength(0) != k)
            throw new ArgumentException($"MatMul(A, B) with A {n}x{k} and B {b.GetLength(0)}x{m}: A's columns ({k}) must equal B's rows ({b.GetLength(0)}). " +
                                        "Is one of them meant to be transposed, T(...)?");
        double[,] c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                for (int l = 0; l < k; l++)
                    c[i, j] += a[i, l] * b[l, j];
        return c;
    }

    /// <summary>The transpose Aᵀ.</summary>
    public static double[,] T(double[,] a)
    {
        double[,] t = new double[a.GetLength(1), a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                t[j, i] = a[i, j];
        return t;
    }

    /// <summary>A + b with the 1×m row b added to every row of A ("broadcast").</summary>
    public static double[,] AddRow(double[,] a, double[,] row)
    {
        double[,] r = (double[,])a.Clone();
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                r[i, j] += row[0, j];
        return r;
    }

    /// <summary>The 1×m row of column sums, Σᵢ A[i, :].</summary>
    public static double[,] SumRows(double[,] a)
    {
        double[,] r = new double[1, a.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                r[0, j] += a[i, j];
        return r;
    }

    /// <summary>f applied to every entry.</summary>
    public static double[,] Map(double[,] a, Func<double, double> f)
    {
        double[,] r = new double[a.GetLength(0), a.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                r[i, j] = f(a[i, j]);
        return r;
    }

    /// <summary>A library matrix as doubles.</summary>
    public static double[,] D(Matrix m) => Numeric.FromMatrix(m);

    /// <summary>The largest |a − b| over all entries of a double array and a library matrix of one shape.</summary>
    public static double MaxDifference(double[,] mine, Matrix library)
    {
        if (mine.GetLength(0) != library.Rows || mine.GetLength(1) != library.Cols)
            throw new ArgumentException($"Shapes differ: {mine.GetLength(0)}x{mine.GetLength(1)} vs {library.Shape}.", nameof(library));
        double worst = 0;
        for (int i = 0; i < library.Rows; i++)
            for (int j = 0; j < library.Cols; j++)
                worst = Math.Max(worst, Math.Abs(mine[i, j] - library[i, j]));
        return worst;
    }
}

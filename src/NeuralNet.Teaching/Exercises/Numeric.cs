namespace NeuralNet.Exercises;

/// <summary>Double-precision helpers the checks share: random data and central finite differences.</summary>
internal static class Numeric
{
    /// <summary>Central difference (f(x+h) − f(x−h)) / 2h of a scalar function for every entry of <paramref name="x"/>, in place.</summary>
    public static double[] Gradient(double[] x, Func<double> f, double h = 1e-6)
    {
        double[] g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + h; double plus = f();
            x[i] = saved - h; double minus = f();
            x[i] = saved;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /// <summary>The same for a matrix.</summary>
    public static double[,] Gradient(double[,] x, Func<double> f, double h = 1e-6)
    {
        double[,] g = new double[x.GetLength(0), x.GetLength(1)];
        for (int i = 0; i < x.GetLength(0); i++)
            for (int j = 0; j < x.GetLength(1); j++)
            {
                double saved = x[i, j];
                x[i, j] = saved + h; double plus = f();
                x[i, j] = saved - h; double minus = f();
                x[i, j] = saved;
                g[i, j] = (plus - minus) / (2 * h);
            }
        return g;
    }

    public static double[] Vector(int n, Random random, double scale = 1) =>
        Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();

    public static double[,] Matrix(int rows, int cols, Random random, double scale = 1)
    {
        double[,] m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                m[i, j] = (random.NextDouble() * 2 - 1) * scale;
        return m;
    }

    /// <summary>Σ a ⊙ b: the probe loss whose gradient with respect to a is b.</summary>
    public static double Dot(double[,] a, double[,] b)
    {
        double sum = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                sum += a[i, j] * b[i, j];
        return sum;
    }

    public static Tensors.Matrix ToMatrix(double[,] m)
    {
        var result = new Tensors.Matrix(m.GetLength(0), m.GetLength(1));
        for (int i = 0; i < m.GetLength(0); i++)
            for (int j = 0; j < m.GetLength(1); j++)
                result[i, j] = (float)m[i, j];
        return result;
    }

    public static double[,] FromMatrix(Tensors.Matrix m)
    {
        double[,] result = new double[m.Rows, m.Cols];
        for (int i = 0; i < m.Rows; i++)
            for (int j = 0; j < m.Cols; j++)
                result[i, j] = m[i, j];
        return result;
    }

    /// <summary>The matrix with every entry rounded to float, so that the library (float) and the check (double) see the same numbers.</summary>
    public static double[,] RoundToFloat(double[,] m) => FromMatrix(ToMatrix(m));

    public static double[] RoundToFloat(double[] v) => v.Select(x => (double)(float)x).ToArray();
}

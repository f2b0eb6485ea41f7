using NeuralNet.Tensors;

namespace NeuralNet.Exercises;

/// <summary>Chapter 7's exercises: the matrix product in the i-p-j loop order, and a dot product with Vector256.</summary>
public static partial class Check
{
    /// <summary>
    /// Checks C = A·B (row-major <see cref="Matrix"/>es, A m×k, B k×n) against the double-precision
    /// <see cref="ReferenceGemm"/> on shapes that are neither square nor multiples of anything. C arrives filled with
    /// 123, as a reused buffer holds old values. The check sees the result, not the loop order: the chapter times it.
    /// </summary>
    public static CheckResult LoopOrderGemm(Action<Matrix, Matrix, Matrix> multiply) => CheckResult.Run("loop order i-p-j", () =>
    {
        ArgumentNullException.ThrowIfNull(multiply);
        foreach ((int m, int k, int n) in new[] { (5, 7, 9), (16, 33, 20) })
        {
            var random = new Random(m * 100 + k);
            Matrix a = RandomMatrix(m, k, random), b = RandomMatrix(k, n, random);
            float[] expected = new float[m * n];
            ReferenceGemm.Run(false, false, m, n, k, a.Data, b.Data, expected, accumulate: false);
            var c = new Matrix(m, n);
            c.Fill(123f);
            multiply(a.Clone(), b.Clone(), c);

            for (int i = 0; i < expected.Length; i++)
            {
                if (Math.Abs(c.Data[i] - expected[i]) <= 1e-5f * (1 + Math.Abs(expected[i])) * k) continue;
                bool staleValuesKept = Enumerable.Range(0, expected.Length).All(e => Math.Abs(c.Data[e] - 123f - expected[e]) < 1e-3f);
                return CheckResult.Fail("loop order i-p-j", $"{m}x{k}·{k}x{n}: C[{i / n},{i % n}] = {c.Data[i]:G6}, expected {expected[i]:G6}." + (staleValuesKept
                    ? " C still held its old values (123 everywhere) and your sums were added to them: the i-p-j order adds into C, so set C to 0 first (Array.Clear)."
                    : " C[i,j] = Σₚ A[i,p]·B[p,j]; row-major storage puts A[i,p] at A.Data[i * k + p] and B[p,j] at B.Data[p * n + j]."));
            }
        }
        return CheckResult.Pass("loop order i-p-j", "C equals ReferenceGemm's product on 5x7·7x9 and 16x33·33x20, with old values in C cleared.");
    });

    /// <summary>
    /// Checks a dot product Σᵢ x[i]·y[i] of two float arrays against a double-precision sum, for lengths 0 to 100:
    /// multiples of 8 (whole vectors only), fewer than 8 (no whole vector) and others (a tail after the vectors).
    /// </summary>
    public static CheckResult DotProduct(Func<float[], float[], float> dot) => CheckResult.Run("dot product", () =>
    {
        ArgumentNullException.ThrowIfNull(dot);
        var random = new Random(7);
        int[] lengths = [0, 3, 8, 13, 64, 100];
        var wrong = new List<int>();
        string? firstProblem = null;
        foreach (int n in lengths)
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float[] y = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            double expected = 0, magnitude = 0;
            for (int i = 0; i < n; i++) { expected += (double)x[i] * y[i]; magnitude += Math.Abs((double)x[i] * y[i]); }

            float actual;
            try
            {
                actual = dot((float[])x.Clone(), (float[])y.Clone());
            }
            catch (Exception e) when (e is not NotImplementedException)
            {
                return CheckResult.Fail("dot product", $"with {n} floats your code threw {e.GetType().Name}: {e.Message}" + (n < 8
                    ? " With fewer than 8 floats there is no whole vector: only the loop over the leftover floats may run."
                    : ""));
            }

            // Float sums in another order differ by a few units of the last place, relative to Σ|x·y|.
            if (Math.Abs(actual - expected) > 1e-5 * magnitude + 1e-6)
            {
                wrong.Add(n);
                firstProblem ??= $"with {n} floats you return {actual:G6}, expected {expected:G6}.";
            }
        }

        if (firstProblem is null)
            return CheckResult.Pass("dot product", $"right for every length tried ({string.Join(", ", lengths)}), tails included.");
        bool onlyTails = wrong.All(n => n % 8 != 0);
        return CheckResult.Fail("dot product", firstProblem + (onlyTails
            ? $" Only lengths that are not multiples of 8 are wrong ({string.Join(", ", wrong)}): after the vector loop, add the last n % 8 products one by one."
            : " Multiply 8 floats of x and y at a time into a Vector256 accumulator, add its 8 lanes at the end (Vector256.Sum), then the leftover floats."));
    });

    private static Matrix RandomMatrix(int rows, int cols, Random random)
    {
        var matrix = new Matrix(rows, cols);
        for (int i = 0; i < matrix.Length; i++) matrix.Data[i] = (float)(random.NextDouble() * 2 - 1);
        return matrix;
    }
}

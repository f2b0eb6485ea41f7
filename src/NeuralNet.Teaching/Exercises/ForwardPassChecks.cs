using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Exercises;

/// <summary>Chapter 2's exercises: softmax and a linear layer's forward pass.</summary>
public static partial class Check
{
    /// <summary>
    /// Checks a softmax of one row of logits against a double-precision reference on ordinary, large
    /// (1000, 1001, 1002) and very negative logits, and against the library's <see cref="Softmax"/>.
    /// </summary>
    public static CheckResult Softmax(Func<double[], double[]> softmax) => CheckResult.Run("softmax", () =>
    {
        ArgumentNullException.ThrowIfNull(softmax);
        var random = new Random(2);
        double[][] cases = [[1, 2, 3], Numeric.Vector(10, random, 4), [1000, 1001, 1002], [-1000, -999, -998]];
        foreach (double[] z in cases)
        {
            double[]? p = softmax((double[])z.Clone());
            string shown = $"softmax([{string.Join(", ", z.Take(4).Select(v => v.ToString("G4")))}{(z.Length > 4 ? ", ..." : "")}])";
            if (p is not null && p.Any(v => !double.IsFinite(v)))
                return CheckResult.Fail("softmax", $"{shown} contains {p.First(v => !double.IsFinite(v))}: e^z overflowed (or every e^z underflowed to 0). " +
                                                   "Subtract the largest logit from every logit before exponentiating.");
            if (Compare.Arrays(shown, StableSoftmax(z), p, 1e-9) is string problem)
                return CheckResult.Fail("softmax", problem + (p is not null && Math.Abs(p.Sum() - 1) > 1e-9 ? $" (your probabilities sum to {p.Sum():G6}, not 1)" : ""));
        }

        var library = new Tensors.Matrix(1, 10);
        Layers.Softmax.Apply(new Tensors.Matrix(1, 10, cases[1].Select(v => (float)v).ToArray()), library);
        bool agree = Compare.Arrays("library", library.Span.ToArray().Select(v => (double)v).ToArray(), softmax(cases[1]), 1e-6) is null;
        return CheckResult.Pass("softmax", $"right on all {cases.Length} cases, including logits of ±1000" +
                                           (agree ? ", and the same as the library's Softmax." : "."));
    });

    /// <summary>
    /// Checks Z = XW + b (X: B×n, W: n×m, b: m) against the library's <see cref="Linear"/> layer given the same
    /// weights, and against a double-precision reference.
    /// </summary>
    public static CheckResult LinearForward(Func<double[,], double[,], double[], double[,]> forward) => CheckResult.Run("Linear forward", () =>
    {
        ArgumentNullException.ThrowIfNull(forward);
        var random = new Random(3);
        double[,] x = Numeric.RoundToFloat(Numeric.Matrix(4, 6, random));
        double[,] w = Numeric.RoundToFloat(Numeric.Matrix(6, 3, random));
        double[] b = Numeric.RoundToFloat(Numeric.Vector(3, random));
        double[,]? z = forward((double[,])x.Clone(), (double[,])w.Clone(), (double[])b.Clone());

        double[,] expected = LinearReference(x, w, b);
        if (Compare.Matrices("Z", expected, z, 1e-9) is string problem)
        {
            if (z is not null && Compare.Close(LinearReference(x, w, new double[3]), z))
                return CheckResult.Fail("Linear forward", problem + " Z equals XW: add the bias b to every row.");
            if (z is not null && Compare.Close(LinearReference(x, w, b.Select(v => 6 * v).ToArray()), z))
                return CheckResult.Fail("Linear forward", problem + " Z equals XW + 6b: the bias was added inside the loop over k, once per input " +
                                                          "(n = 6 times). Add b[j] once, after the sum.");
            return CheckResult.Fail("Linear forward", problem + " Z[i,j] = Σ_k X[i,k]·W[k,j] + b[j] (X is B×n, W is n×m, Z is B×m).");
        }

        var layer = new Linear(6, 3);
        Numeric.ToMatrix(w).CopyTo(layer.Weights.Value);
        for (int j = 0; j < 3; j++) layer.Bias.Value[0, j] = (float)b[j];
        double[,] library = Numeric.FromMatrix(layer.Forward(Numeric.ToMatrix(x)));
        double largest = Enumerable.Range(0, 4 * 3).Max(k => Math.Abs(library[k / 3, k % 3] - z![k / 3, k % 3]));
        return CheckResult.Pass("Linear forward", $"Z is {z!.GetLength(0)}x{z.GetLength(1)} and right; the library's Linear agrees to {largest:E1} (float32 rounding).");
    }, shapes: "Here X is 4x6 (B x n), W is 6x3 (n x m), b has 3 entries and Z is 4x3 (B x m): " +
               "Z[i,j] = Σ_k X[i,k]·W[k,j] + b[j], so W's first index is the input k and its second the output j.");

    internal static double[] StableSoftmax(double[] z)
    {
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    internal static double[,] LinearReference(double[,] x, double[,] w, double[] b)
    {
        int rows = x.GetLength(0), n = x.GetLength(1), m = w.GetLength(1);
        double[,] z = new double[rows, m];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < m; j++)
            {
                double sum = b[j];
                for (int k = 0; k < n; k++) sum += x[i, k] * w[k, j];
                z[i, j] = sum;
            }
        return z;
    }
}

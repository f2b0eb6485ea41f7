using System.Runtime.Intrinsics;
using NeuralNet.Exercises;

namespace NeuralNet.Tests.Exercises;

public class CheckTests
{
    [Fact]
    public void Right_answers_pass()
    {
        CheckResult[] results =
        [
            Check.Softmax(Solutions.Softmax),
            Check.LinearForward(Solutions.LinearForward),
            Check.SigmoidBackward(Solutions.SigmoidBackward),
            Check.LinearBackward(Solutions.LinearBackward),
            Check.SoftmaxCrossEntropyGradient((z, y) => Solutions.SoftmaxCrossEntropyGradient(z, y, 1.0 / z.GetLength(0))),
            Check.MomentumStep(Solutions.MomentumStep),
            Check.AdamStep((w, m, s, g, t, eta, b1, b2, eps) => Solutions.AdamStep(w, m, s, g, t, eta, b1, b2, eps, correct: true)),
            Check.ConfusionCounts((a, p, k) => Solutions.Confusion(a, p, k, transpose: false)),
            Check.PrecisionRecallF1((c, k) => Solutions.Metrics(c, k, swap: false)),
            Check.MaxPoolBackward((x, dy) => Solutions.MaxPoolBackward(x, dy, spread: false)),
            Check.BatchNormBackward((x, g, dy) => Solutions.BatchNormBackward(x, g, dy, constantStatistics: false)),
            Check.LoopOrderGemm((a, b, c) => Solutions.LoopOrderGemm(a, b, c, clear: true)),
            Check.DotProduct((x, y) => Solutions.Dot(x, y, tail: true)),
            Check.BoundaryLine(layer => Solutions.BoundaryLine(layer)),
            Check.BoundaryLine(layer => { (double a, double b, double c) = Solutions.BoundaryLine(layer); return (-2 * a, -2 * b, -2 * c); }),
        ];

        Assert.All(results, r => Assert.True(r.Passed, r.ToString()));
        Assert.All(results, r => Assert.StartsWith("✔", r.ToString()));
    }

    public static TheoryData<string, Func<CheckResult>, string> WrongAnswers() => new()
    {
        { "naive softmax", () => Check.Softmax(Solutions.NaiveSoftmax), "Subtract the largest logit" },
        { "no bias", () => Check.LinearForward((x, w, b) => Solutions.LinearForward(x, w, b, withBias: false)), "add the bias" },
        { "sigma instead of its slope", () => Check.SigmoidBackward((z, dA) => z.Select((v, i) => dA[i] / (1 + Math.Exp(-v))).ToArray()), "σ'(z) = σ(z)(1 − σ(z))" },
        { "mean instead of sum", () => Check.LinearBackward((x, w, dz) => { (double[,]? dW, double[]? db, double[,]? dX) = Solutions.LinearBackward(x, w, dz); return (dW, db.Select(v => v / 4).ToArray(), dX); }), "sum of dZ's rows" },
        { "no 1/B", () => Check.SoftmaxCrossEntropyGradient((z, y) => Solutions.SoftmaxCrossEntropyGradient(z, y, 1)), "divide P − Y by B" },
        { "dampened momentum", () => Check.MomentumStep((w, v, g, eta, mu) => { for (int i = 0; i < w.Length; i++) { v[i] = mu * v[i] + (1 - mu) * g[i]; w[i] -= eta * v[i]; } }), "(1 − μ)g" },
        { "no bias correction", () => Check.AdamStep((w, m, s, g, t, eta, b1, b2, eps) => Solutions.AdamStep(w, m, s, g, t, eta, b1, b2, eps, correct: false)), "without the bias correction" },
        { "transposed confusion", () => Check.ConfusionCounts((a, p, k) => Solutions.Confusion(a, p, k, transpose: true)), "counts[actual, predicted]" },
        { "precision and recall swapped", () => Check.PrecisionRecallF1((c, k) => Solutions.Metrics(c, k, swap: true)), "swapped" },
        { "average pooling's gradient", () => Check.MaxPoolBackward((x, dy) => Solutions.MaxPoolBackward(x, dy, spread: true)), "only the largest value" },
        { "constant batch statistics", () => Check.BatchNormBackward((x, g, dy) => Solutions.BatchNormBackward(x, g, dy, constantStatistics: true)), "treats μ and σ² as constants" },
        { "C not cleared", () => Check.LoopOrderGemm((a, b, c) => Solutions.LoopOrderGemm(a, b, c, clear: false)), "set C to 0 first" },
        { "B indexed as B[p * k + j]", () => Check.LoopOrderGemm((a, b, c) => { Array.Clear(c.Data); for (int i = 0; i < a.Rows; i++) for (int p = 0; p < a.Cols; p++) for (int j = 0; j < b.Cols; j++) c.Data[i * b.Cols + j] += a.Data[i * a.Cols + p] * b.Data[(p * a.Cols + j) % b.Length]; }), "B.Data[p * n + j]" },
        { "no tail", () => Check.DotProduct((x, y) => Solutions.Dot(x, y, tail: false)), "add the last n % 8 products" },
        { "lanes not summed", () => Check.DotProduct((x, y) => { Vector256<float> v = Vector256<float>.Zero; for (int i = 0; i + 8 <= x.Length; i += 8) v += Vector256.Create(x, i) * Vector256.Create(y, i); return v[0]; }), "Vector256.Sum" },
        { "a whole vector read past the end", () => Check.DotProduct((x, y) => Vector256.Sum(Vector256.Create(x, 0) * Vector256.Create(y, 0))), "no whole vector" },
        { "W read as [class, input]", () => Check.BoundaryLine(layer => Solutions.BoundaryLine(layer, transposed: true)), "w[i, k]" },
        { "line without bias", () => Check.BoundaryLine(layer => Solutions.BoundaryLine(layer, withBias: false)), "γ = b₁ − b₀" },
        { "not a line", () => Check.BoundaryLine(layer => (0, 0, 1)), "not a line" },
        { "bias added inside the k-loop", () => Check.LinearForward((x, w, b) => LinearForwardLoops(x, w, b, biasInsideLoop: true, wTransposed: false)), "inside the loop over k" },
        { "W read as W[j,k]", () => Check.LinearForward((x, w, b) => LinearForwardLoops(x, w, b, biasInsideLoop: false, wTransposed: true)), "W's first index is the input k" },
        { "dX = dZ·W", () => Check.LinearBackward((x, w, dz) => (Arrays.MatMul(Arrays.T(x), dz), ColumnSums(dz), Arrays.MatMul(dz, w))), "dZ·W does not fit" },
        { "m̂ written back into m", () => Check.AdamStep(AdamStoringHats), "uncorrected running means" },
        { "integer division in precision", () => Check.PrecisionRecallF1(IntegerMetrics), "integer division" },
        { "batch norm without the σ² term", () => Check.BatchNormBackward((x, g, dy) => Solutions.BatchNormBackward(x, g, dy, constantStatistics: false, withoutVarianceTerm: true)), "not the one through the variance" },
    };

    [Fact]
    public void A_shape_mismatch_in_MatMul_names_the_shapes_not_a_parameter()
    {
        CheckResult result = Check.LinearBackward((x, w, dz) => (Arrays.MatMul(Arrays.T(x), dz), ColumnSums(dz), Arrays.MatMul(dz, w)));

        Assert.Contains("A 4x3 and B 5x3", result.Message);
        Assert.DoesNotContain("(Parameter", result.Message);
    }

    private static double[,] LinearForwardLoops(double[,] x, double[,] w, double[] b, bool biasInsideLoop, bool wTransposed)
    {
        int rows = x.GetLength(0), n = x.GetLength(1), m = w.GetLength(1);
        double[,] z = new double[rows, m];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < m; j++)
            {
                double sum = biasInsideLoop ? 0 : b[j];
                for (int k = 0; k < n; k++) sum += x[i, k] * (wTransposed ? w[j, k] : w[k, j]) + (biasInsideLoop ? b[j] : 0);
                z[i, j] = sum;
            }
        return z;
    }

    private static double[] ColumnSums(double[,] a) => Enumerable.Range(0, a.GetLength(1)).Select(j => Enumerable.Range(0, a.GetLength(0)).Sum(i => a[i, j])).ToArray();

    // Right in step 1, then wrong: m and s are overwritten with their bias-corrected values.
    private static void AdamStoringHats(double[] theta, double[] m, double[] s, double[] g, int t, double eta, double beta1, double beta2, double epsilon)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            m[i] = (beta1 * m[i] + (1 - beta1) * g[i]) / (1 - Math.Pow(beta1, t));
            s[i] = (beta2 * s[i] + (1 - beta2) * g[i] * g[i]) / (1 - Math.Pow(beta2, t));
            theta[i] -= eta * m[i] / (Math.Sqrt(s[i]) + epsilon);
        }
    }

    private static (double, double, double) IntegerMetrics(int[,] counts, int k)
    {
        int truePositives = counts[k, k], calledK = 0, trueK = 0;
        for (int i = 0; i < counts.GetLength(0); i++) { calledK += counts[i, k]; trueK += counts[k, i]; }
        double precision = truePositives / calledK, recall = truePositives / trueK;
        return (precision, recall, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    }

    [Theory]
    [MemberData(nameof(WrongAnswers))]
    public void A_typical_mistake_fails_with_a_hint_that_names_it(string mistake, Func<CheckResult> check, string hint)
    {
        CheckResult result = check();

        Assert.Equal(CheckOutcome.Failed, result.Outcome);
        Assert.Contains(hint, result.Message);
        Assert.StartsWith("✘", result.ToString());
        InvalidOperationException thrown = Assert.Throws<InvalidOperationException>(() => result.Require());
        Assert.Contains(result.Message, thrown.Message);
        Assert.NotEmpty(mistake);
    }

    [Fact]
    public void A_skeleton_that_is_not_written_yet_gets_a_friendly_message_not_an_exception()
    {
        CheckResult result = Check.SigmoidBackward((z, dA) => throw new NotImplementedException());

        Assert.Equal(CheckOutcome.NotAttempted, result.Outcome);
        Assert.Contains("not written yet", result.Message);
    }

    [Fact]
    public void The_chapter_7_and_8_skeletons_are_not_written_yet_too()
    {
        CheckResult[] results =
        [
            Check.LoopOrderGemm((a, b, c) => throw new NotImplementedException()),
            Check.DotProduct((x, y) => throw new NotImplementedException()),
            Check.BoundaryLine(layer => throw new NotImplementedException()),
        ];

        Assert.All(results, r => Assert.Equal(CheckOutcome.NotAttempted, r.Outcome));
        Assert.All(results, r => Assert.Contains("not written yet", r.Message));
    }

    [Fact]
    public void Code_that_crashes_is_reported_and_the_check_returns()
    {
        CheckResult result = Check.LinearBackward((x, w, dz) => (new double[1, 1], new double[1], new double[1, 1]));
        CheckResult crash = Check.Softmax(z => new double[1] { z[5] });

        Assert.Equal(CheckOutcome.Failed, result.Outcome);
        Assert.Contains("dW is 1x1, expected 5x3", result.Message);
        Assert.Equal(CheckOutcome.Failed, crash.Outcome);
        Assert.Contains("IndexOutOfRangeException", crash.Message);
    }
}

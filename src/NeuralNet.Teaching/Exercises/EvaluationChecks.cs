using NeuralNet.Evaluation;

namespace NeuralNet.Exercises;

/// <summary>Chapter 5's exercises: a confusion matrix and a class's precision, recall and F1.</summary>
public static partial class Check
{
    /// <summary>
    /// Checks counts[actual, predicted] for 200 random labels and predictions over 4 classes against the
    /// library's <see cref="ConfusionMatrix"/>, exactly.
    /// </summary>
    public static CheckResult ConfusionCounts(Func<int[], int[], int, int[,]> confusion) => CheckResult.Run("confusion matrix", () =>
    {
        ArgumentNullException.ThrowIfNull(confusion);
        var random = new Random(9);
        int[] actual = Enumerable.Range(0, 200).Select(_ => random.Next(4)).ToArray();
        int[] predicted = actual.Select(a => random.NextDouble() < 0.7 ? a : random.Next(4)).ToArray();
        int[,]? counts = confusion((int[])actual.Clone(), (int[])predicted.Clone(), 4);
        int[,] expected = new ConfusionMatrix(actual, predicted, ["0", "1", "2", "3"]).Counts;
        if (counts is null || counts.GetLength(0) != 4 || counts.GetLength(1) != 4)
            return CheckResult.Fail("confusion matrix", $"expected a 4x4 matrix, got {(counts is null ? "null" : $"{counts.GetLength(0)}x{counts.GetLength(1)}")}.");
        bool transposed = true;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                transposed &= counts[i, j] == expected[j, i];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                if (counts[i, j] != expected[i, j])
                    return CheckResult.Fail("confusion matrix", $"counts[{i},{j}] = {counts[i, j]}, expected {expected[i, j]}." +
                        (transposed ? " Rows are the true class and columns the prediction: counts[actual, predicted]++." : ""));
        return CheckResult.Pass("confusion matrix", "all 16 counts equal the library's ConfusionMatrix.");
    });

    /// <summary>
    /// Checks precision, recall and F1 of one class from a confusion matrix against the library's
    /// <see cref="ClassificationReport"/>, for every class of a 4-class example.
    /// </summary>
    public static CheckResult PrecisionRecallF1(Func<int[,], int, (double Precision, double Recall, double F1)> metrics) =>
        CheckResult.Run("precision, recall and F1", () =>
    {
        ArgumentNullException.ThrowIfNull(metrics);
        int[,] counts = { { 50, 2, 3, 0 }, { 4, 40, 1, 5 }, { 0, 6, 30, 2 }, { 1, 0, 9, 47 } };
        var actual = new List<int>();
        var predicted = new List<int>();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                for (int n = 0; n < counts[i, j]; n++) { actual.Add(i); predicted.Add(j); }
        var report = new ClassificationReport(new ConfusionMatrix([.. actual], [.. predicted], ["0", "1", "2", "3"]));
        for (int k = 0; k < 4; k++)
        {
            (double precision, double recall, double f1) = metrics((int[,])counts.Clone(), k);
            ClassMetrics expected = report.Classes[k];
            int truePositives = counts[k, k], calledK = Enumerable.Range(0, 4).Sum(i => counts[i, k]), trueK = Enumerable.Range(0, 4).Sum(j => counts[k, j]);
            if ((precision != expected.Precision && precision == truePositives / calledK) || (recall != expected.Recall && recall == truePositives / trueK))
                return CheckResult.Fail("precision, recall and F1", $"class {k}: precision {precision:G6}, recall {recall:G6}, expected {expected.Precision:G6} and {expected.Recall:G6}. " +
                    $"{truePositives} / {calledK} with two ints is integer division in C# (it rounds down to a whole number): write (double)TP / (TP + FP).");
            if (Math.Abs(precision - expected.Recall) < 1e-12 && Math.Abs(recall - expected.Precision) < 1e-12 && expected.Precision != expected.Recall)
                return CheckResult.Fail("precision, recall and F1", $"class {k}: precision and recall are swapped. Precision divides by the column sum (everything called {k}), recall by the row sum (every true {k}).");
            if (Math.Abs(precision - expected.Precision) > 1e-9)
                return CheckResult.Fail("precision, recall and F1", $"class {k}: precision {precision:G6}, expected {expected.Precision:G6} = TP / (TP + FP), FP = the rest of column {k}.");
            if (Math.Abs(recall - expected.Recall) > 1e-9)
                return CheckResult.Fail("precision, recall and F1", $"class {k}: recall {recall:G6}, expected {expected.Recall:G6} = TP / (TP + FN), FN = the rest of row {k}.");
            if (Math.Abs(f1 - expected.F1) > 1e-9)
                return CheckResult.Fail("precision, recall and F1", $"class {k}: F1 {f1:G6}, expected {expected.F1:G6} = 2PR / (P + R), the harmonic mean.");
        }
        return CheckResult.Pass("precision, recall and F1", "all four classes equal the library's ClassificationReport.");
    });
}

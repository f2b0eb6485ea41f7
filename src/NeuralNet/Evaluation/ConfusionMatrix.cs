using System.Text;

namespace NeuralNet.Evaluation;

/// <summary>
/// Counts of (true class, predicted class) pairs: <c>Counts[actual, predicted]</c>. The diagonal holds the
/// correct answers; every off-diagonal cell is a kind of mistake.
/// </summary>
public sealed class ConfusionMatrix
{
    /// <summary>Tallies predictions against the true labels.</summary>
    public ConfusionMatrix(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, IReadOnlyList<string> classNames)
    {
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"{actual.Count} labels but {predicted.Count} predictions.", nameof(predicted));
        ClassNames = classNames;
        Counts = new int[classNames.Count, classNames.Count];
        for (int i = 0; i < actual.Count; i++)
        {
            if ((uint)actual[i] >= (uint)ClassCount || (uint)predicted[i] >= (uint)ClassCount)
                throw new ArgumentOutOfRangeException(nameof(actual), $"Sample {i}: class {actual[i]} → {predicted[i]} is outside 0..{ClassCount - 1}.");
            Counts[actual[i], predicted[i]]++;
        }
        Total = actual.Count;
    }

    /// <summary>The class names, in index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Counts[actual, predicted].</summary>
    public int[,] Counts { get; }

    /// <summary>Number of samples tallied.</summary>
    public int Total { get; }

    /// <summary>Fraction predicted correctly: the diagonal over the total.</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int c = 0; c < ClassCount; c++) correct += Counts[c, c];
            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    /// <summary>Each row divided by its sum: entry [a, p] is the fraction of class a predicted as p.</summary>
    public double[,] RowNormalized()
    {
        double[,] result = new double[ClassCount, ClassCount];
        for (int a = 0; a < ClassCount; a++)
        {
            long rowSum = 0;
            for (int p = 0; p < ClassCount; p++) rowSum += Counts[a, p];
            for (int p = 0; p < ClassCount; p++) result[a, p] = rowSum == 0 ? 0 : (double)Counts[a, p] / rowSum;
        }
        return result;
    }

    /// <summary>The two-by-two table of one class against all others.</summary>
    public BinaryConfusion OneVsRest(int positiveClass)
    {
        if ((uint)positiveClass >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(positiveClass));
        int tp = Counts[positiveClass, positiveClass], fn = 0, fp = 0;
        for (int other = 0; other < ClassCount; other++)
        {
            if (other == positiveClass) continue;
            fn += Counts[positiveClass, other];
            fp += Counts[other, positiveClass];
        }
        return new BinaryConfusion(ClassNames[positiveClass], tp, fp, fn, Total - tp - fp - fn);
    }

    /// <summary>The off-diagonal cells, largest first: (actual, predicted, count).</summary>
    public IReadOnlyList<(int Actual, int Predicted, int Count)> MostConfused(int top = 10)
    {
        var cells = new List<(int, int, int)>();
        for (int a = 0; a < ClassCount; a++)
            for (int p = 0; p < ClassCount; p++)
                if (a != p && Counts[a, p] > 0) cells.Add((a, p, Counts[a, p]));
        return cells.OrderByDescending(c => c.Item3).ThenBy(c => c.Item1).ThenBy(c => c.Item2).Take(top).ToList();
    }

    /// <summary>A text table, rows = actual, columns = predicted.</summary>
    public string ToText()
    {
        int width = Math.Max(6, ClassNames.Max(n => n.Length) + 1);
        var text = new StringBuilder();
        text.Append("actual \\ predicted".PadRight(width + 12));
        foreach (string name in ClassNames) text.Append(Shorten(name, width).PadLeft(width));
        text.AppendLine();
        for (int a = 0; a < ClassCount; a++)
        {
            text.Append(ClassNames[a].PadRight(width + 12));
            for (int p = 0; p < ClassCount; p++) text.Append(Counts[a, p].ToString().PadLeft(width));
            text.AppendLine();
        }
        text.Append($"accuracy {Accuracy:P2} of {Total}");
        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToText();

    private static string Shorten(string name, int width) => name.Length < width ? name : name[..(width - 1)];
}

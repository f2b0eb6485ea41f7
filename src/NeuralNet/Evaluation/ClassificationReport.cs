using System.Text;

namespace NeuralNet.Evaluation;

/// <summary>Precision, recall, F1 and support of one class.</summary>
public sealed record ClassMetrics(string ClassName, double Precision, double Recall, double F1, int Support);

/// <summary>Per-class precision, recall and F1, with their macro averages (the plain mean over classes).</summary>
public sealed class ClassificationReport
{
    /// <summary>Builds the report from a confusion matrix.</summary>
    public ClassificationReport(ConfusionMatrix confusion)
    {
        Confusion = confusion;
        Classes = Enumerable.Range(0, confusion.ClassCount).Select(c =>
        {
            BinaryConfusion b = confusion.OneVsRest(c);
            return new ClassMetrics(b.ClassName, b.Precision, b.Recall, b.F1, b.TruePositives + b.FalseNegatives);
        }).ToList();
    }

    /// <summary>The confusion matrix it was built from.</summary>
    public ConfusionMatrix Confusion { get; }

    /// <summary>One row per class.</summary>
    public IReadOnlyList<ClassMetrics> Classes { get; }

    /// <summary>Overall accuracy.</summary>
    public double Accuracy => Confusion.Accuracy;

    /// <summary>Mean precision over classes.</summary>
    public double MacroPrecision => Classes.Average(c => c.Precision);

    /// <summary>Mean recall over classes.</summary>
    public double MacroRecall => Classes.Average(c => c.Recall);

    /// <summary>Mean F1 over classes.</summary>
    public double MacroF1 => Classes.Average(c => c.F1);

    /// <summary>A text table in the style of scikit-learn's classification_report.</summary>
    public string ToText()
    {
        int width = Math.Max(12, Classes.Max(c => c.ClassName.Length) + 2);
        var text = new StringBuilder();
        text.AppendLine($"{"class".PadRight(width)}{"precision",10}{"recall",10}{"f1",10}{"support",10}");
        foreach (ClassMetrics c in Classes)
            text.AppendLine($"{c.ClassName.PadRight(width)}{c.Precision,10:0.0000}{c.Recall,10:0.0000}{c.F1,10:0.0000}{c.Support,10}");
        text.AppendLine($"{"macro avg".PadRight(width)}{MacroPrecision,10:0.0000}{MacroRecall,10:0.0000}{MacroF1,10:0.0000}{Confusion.Total,10}");
        text.Append($"{"accuracy".PadRight(width)}{Accuracy,30:0.0000}{Confusion.Total,10}");
        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToText();
}

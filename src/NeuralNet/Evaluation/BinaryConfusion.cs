namespace NeuralNet.Evaluation;

/// <summary>One class against the rest: true/false positives and negatives, and the rates built from them.</summary>
public sealed record BinaryConfusion(string ClassName, int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    /// <summary>TP / (TP + FP): of the samples predicted as this class, the fraction that were.</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN): of the samples of this class, the fraction found.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>The harmonic mean of precision and recall, 2PR / (P + R).</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>The 2x2 table as text.</summary>
    public string ToText() =>
        $"'{ClassName}' vs rest   predicted {ClassName,-6} predicted other\n" +
        $"actual {ClassName,-14} {TruePositives,8} (TP) {FalseNegatives,10} (FN)\n" +
        $"actual other{"",10} {FalsePositives,8} (FP) {TrueNegatives,10} (TN)\n" +
        $"precision {Precision:P2}  recall {Recall:P2}  F1 {F1:0.0000}";

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}

using NeuralNet.Evaluation;

namespace NeuralNet.Tests.Evaluation;

public class EvaluationTests
{
    // actual:    0 0 0 1 1 2
    // predicted: 0 0 1 1 2 2
    private static readonly ConfusionMatrix Confusion = new([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ["a", "b", "c"]);

    [Fact]
    public void Counts_land_in_actual_by_predicted_cells()
    {
        Assert.Equal(new[,] { { 2, 1, 0 }, { 0, 1, 1 }, { 0, 0, 1 } }, Confusion.Counts);
        Assert.Equal(4.0 / 6, Confusion.Accuracy, 1e-12);
    }

    [Fact]
    public void Precision_recall_and_f1_follow_their_definitions()
    {
        var report = new ClassificationReport(Confusion);
        ClassMetrics b = report.Classes[1];
        Assert.Equal(0.5, b.Precision, 1e-12); // predicted b: 2, right: 1
        Assert.Equal(0.5, b.Recall, 1e-12);    // actual b: 2, found: 1
        Assert.Equal(0.5, b.F1, 1e-12);
        ClassMetrics a = report.Classes[0];
        Assert.Equal(1.0, a.Precision, 1e-12);
        Assert.Equal(2.0 / 3, a.Recall, 1e-12);
        Assert.Equal(0.8, a.F1, 1e-12);
        Assert.Equal((1.0 + 0.5 + 0.5) / 3, report.MacroPrecision, 1e-12);
        Assert.Contains("macro avg", report.ToText());
    }

    [Fact]
    public void One_vs_rest_counts_add_up()
    {
        BinaryConfusion c = Confusion.OneVsRest(2);
        Assert.Equal((1, 1, 0, 4), (c.TruePositives, c.FalsePositives, c.FalseNegatives, c.TrueNegatives));
        Assert.Contains("(TP)", c.ToText());
    }

    [Fact]
    public void Most_confused_pairs_come_largest_first()
    {
        var confusion = new ConfusionMatrix([4, 4, 4, 9, 7], [9, 9, 4, 4, 1], ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        IReadOnlyList<(int Actual, int Predicted, int Count)> pairs = confusion.MostConfused(2);
        Assert.Equal((4, 9, 2), pairs[0]);
        Assert.Equal((7, 1, 1), pairs[1]);
    }

    [Fact]
    public void Row_normalised_rows_sum_to_one()
    {
        double[,] n = Confusion.RowNormalized();
        Assert.Equal(2.0 / 3, n[0, 0], 1e-12);
        Assert.Equal(1.0, n[1, 1] + n[1, 2], 1e-12);
    }
}

using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;
using Spectre.Console;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>A network measured on a dataset: probabilities, predictions, confusion matrix, per-class report and loss.</summary>
public sealed record EvaluationResult(ImageDataset Dataset, Matrix Probabilities, int[] Predictions, ConfusionMatrix Confusion,
    ClassificationReport Report, double Loss)
{
    /// <summary>Runs <paramref name="network"/> on every image of <paramref name="dataset"/>.</summary>
    /// <exception cref="ShapeMismatchException">The network's input or output width does not fit the dataset.</exception>
    public static EvaluationResult Of(Sequential network, ImageDataset dataset, string modelName)
    {
        if (network.InputSize != dataset.FeatureCount)
            throw new ShapeMismatchException($"{modelName} expects {network.InputSize} inputs but {dataset.Name} has {dataset.Height}x{dataset.Width} = {dataset.FeatureCount} pixels per image.");
        if (network.OutputSize != dataset.ClassCount)
            throw new ShapeMismatchException($"{modelName} has {network.OutputSize} outputs but {dataset.Name} has {dataset.ClassCount} classes.");
        DatasetEvaluation measured = Metrics.Measure(network, dataset);   // loss: softmax cross-entropy
        int overflowing = CountNonFiniteRows(measured.Probabilities);
        if (overflowing > 0)
            throw new ModelFormatException(modelName,
                $"its outputs overflow to infinity or NaN on {overflowing:N0} of the {dataset.Count:N0} images of {dataset.Name} (weights far too large); not a usable model.");
        return new EvaluationResult(dataset, measured.Probabilities, measured.Predictions, measured.Confusion,
            new ClassificationReport(measured.Confusion), measured.Loss);
    }

    private static int CountNonFiniteRows(Matrix probabilities)
    {
        int count = 0;
        for (int r = 0; r < probabilities.Rows; r++)
        {
            foreach (float p in probabilities.Row(r))
                if (!float.IsFinite(p)) { count++; break; }
        }
        return count;
    }

    /// <summary>The misclassified images, the most confident mistakes first.</summary>
    public IReadOnlyList<int> Mistakes(int count) =>
        Enumerable.Range(0, Dataset.Count)
            .Where(i => Predictions[i] != Dataset.Labels[i])
            .OrderByDescending(i => Probabilities[i, Predictions[i]])
            .Take(count)
            .ToArray();

    /// <summary>A JSON-friendly summary.</summary>
    public object ToJson() => new
    {
        dataset = Dataset.Name,
        count = Dataset.Count,
        accuracy = Report.Accuracy,
        loss = Loss,
        macroPrecision = Report.MacroPrecision,
        macroRecall = Report.MacroRecall,
        macroF1 = Report.MacroF1,
        classes = Report.Classes.Select(c => new { name = c.ClassName, precision = c.Precision, recall = c.Recall, f1 = c.F1, support = c.Support }),
        confusion = Enumerable.Range(0, Confusion.ClassCount)
            .Select(a => Enumerable.Range(0, Confusion.ClassCount).Select(p => Confusion.Counts[a, p]).ToArray()),
    };

    /// <summary>Writes the per-class table and the confusion matrix to the terminal.</summary>
    public void WriteTables(IAnsiConsole console)
    {
        Table perClass = new Table().Border(TableBorder.Rounded).Title("Per class");
        perClass.AddColumn("class");
        foreach (string heading in new[] { "precision", "recall", "F1", "support" }) perClass.AddColumn(new TableColumn(heading).RightAligned());
        foreach (ClassMetrics c in Report.Classes)
            perClass.AddRow(Markup.Escape(c.ClassName), $"{c.Precision:0.0000}", $"{c.Recall:0.0000}", $"{c.F1:0.0000}", $"{c.Support:N0}");
        perClass.AddEmptyRow();
        perClass.AddRow("macro avg", $"{Report.MacroPrecision:0.0000}", $"{Report.MacroRecall:0.0000}", $"{Report.MacroF1:0.0000}", $"{Confusion.Total:N0}");
        console.Write(perClass);

        Table matrix = new Table().Border(TableBorder.Rounded).Title("Confusion matrix (rows: actual, columns: predicted)");
        matrix.AddColumn("actual");
        foreach (string name in Confusion.ClassNames) matrix.AddColumn(new TableColumn(Markup.Escape(Short(name))).RightAligned());
        for (int a = 0; a < Confusion.ClassCount; a++)
        {
            var cells = new List<string> { Markup.Escape(Confusion.ClassNames[a]) };
            for (int p = 0; p < Confusion.ClassCount; p++)
                cells.Add(a == p ? $"[bold]{Confusion.Counts[a, p]}[/]" : Confusion.Counts[a, p] == 0 ? "[grey]·[/]" : $"{Confusion.Counts[a, p]}");
            matrix.AddRow(cells.ToArray());
        }
        console.Write(matrix);
    }

    private static string Short(string name) => name.Length <= 7 ? name : name[..6] + "…";
}

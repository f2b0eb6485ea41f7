using System.Text;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using NeuralNet.Evaluation;
using NeuralNet.Plots;
using NeuralNet.Training;

namespace NeuralNet.Cli.Reports;

/// <summary>
/// The HTML report of a training run or an evaluation: settings, loss and accuracy curves, confusion
/// matrix, per-class precision/recall/F1 and a gallery of mistakes — the Plots project's charts on one
/// <see cref="HtmlPage.SingleFile"/> page (the book's look, a single inline copy of plotly.js), so it opens offline
/// and can be mailed as one file.
/// </summary>
public static class HtmlReport
{
    /// <summary>The report's file name inside the output folder.</summary>
    public const string FileName = "report.html";

    /// <summary>How many mistakes the gallery shows at most.</summary>
    public const int GallerySize = 30;

    /// <summary>Writes <c>report.html</c> into <paramref name="folder"/> (atomically) and returns its path.</summary>
    public static string Write(string folder, string title, IReadOnlyList<(string Name, string Value)> settings,
        TrainingHistory? history, EvaluationResult evaluation)
    {
        string path = Path.Combine(folder, FileName);
        WriteFile(path, title, settings, history, evaluation);
        return path;
    }

    /// <summary>Writes the report to <paramref name="path"/> (atomically).</summary>
    public static void WriteFile(string path, string title, IReadOnlyList<(string Name, string Value)> settings,
        TrainingHistory? history, EvaluationResult evaluation) =>
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(Build(title, settings, history, evaluation)));

    /// <summary>The report page as HTML.</summary>
    public static string Build(string title, IReadOnlyList<(string Name, string Value)> settings, TrainingHistory? history, EvaluationResult evaluation)
    {
        ClassificationReport report = evaluation.Report;
        var body = new StringBuilder();
        body.Append($"<h1>{HtmlPage.Encode(title)}</h1>\n");
        body.Append($"<p class=\"headline\">Accuracy on {HtmlPage.Encode(evaluation.Dataset.Name)}: <b>{Format.Percent(report.Accuracy)}</b> " +
                    $"({evaluation.Dataset.Count:N0} images, loss {evaluation.Loss:0.0000}, macro F1 {report.MacroF1:0.0000})</p>\n");

        body.Append("<h2>Settings</h2>\n<table class=\"settings\">\n");
        foreach ((string? name, string? value) in settings) body.Append($"<tr><th>{HtmlPage.Encode(name)}</th><td>{HtmlPage.Encode(value)}</td></tr>\n");
        body.Append("</table>\n");

        if (history is { Epochs.Count: > 0 })
        {
            body.Append("<h2>Training curves</h2>\n");
            body.Append(HtmlPage.Chart(Charts.TrainingCurves(history), "training-curves"));
            body.Append(EpochTable(history));
        }

        body.Append("<h2>Confusion matrix</h2>\n");
        body.Append(HtmlPage.Chart(Charts.ConfusionMatrix(evaluation.Confusion, title: $"Confusion matrix — {evaluation.Dataset.Name}"), "confusion-matrix"));

        body.Append("<h2>Per class</h2>\n");
        body.Append(HtmlPage.Chart(Charts.ClassificationReport(report), "per-class"));
        body.Append(ClassTable(report));

        IReadOnlyList<int> mistakes = evaluation.Mistakes(GallerySize);
        body.Append("<h2>Gallery of mistakes</h2>\n");
        if (mistakes.Count == 0)
        {
            body.Append("<p>No mistakes.</p>\n");
        }
        else
        {
            ImageDataset data = evaluation.Dataset;
            IReadOnlyList<float>[] images = mistakes.Select(i => (IReadOnlyList<float>)data.Image(i).ToArray()).ToArray();
            int[] labels = mistakes.Select(i => data.Labels[i]).ToArray();
            int[] predictions = mistakes.Select(i => evaluation.Predictions[i]).ToArray();
            string[] captions = mistakes.Select(i =>
                $"{data.ClassNames[data.Labels[i]]} → {data.ClassNames[evaluation.Predictions[i]]} ({Format.Percent(evaluation.Probabilities[i, evaluation.Predictions[i]], 0)})").ToArray();
            int mistakeCount = evaluation.Predictions.Where((predicted, i) => predicted != data.Labels[i]).Count();
            body.Append($"<p>The {mistakes.Count} most confident mistakes of {mistakeCount:N0}: " +
                        "true class → predicted class (probability the network gave it).</p>\n");
            body.Append(HtmlPage.Chart(Charts.DigitGrid(images, labels, predictions, captions, highlight: null, columns: 10,
                title: "Most confident mistakes", width: data.Width, height: data.Height, classNames: data.ClassNames), "mistakes"));
        }

        body.Append($"<footer>Written by <code>nn</code> (NeuralNet) on {DateTime.Now:yyyy-MM-dd HH:mm}. " +
                    "Charts: Plotly.NET with plotly.js embedded, so this page works offline.</footer>\n");
        return HtmlPage.SingleFile(title, body.ToString());
    }

    private static string EpochTable(TrainingHistory history)
    {
        var html = new StringBuilder("<table class=\"numbers\">\n<tr><th>epoch</th><th>train loss</th><th>train accuracy</th><th>validation loss</th><th>validation accuracy</th><th>seconds</th></tr>\n");
        foreach (EpochMetrics e in history.Epochs)
        {
            string best = history.BestEpoch == e.Epoch ? " class=\"best\"" : "";
            html.Append($"<tr{best}><td>{e.Epoch}</td><td>{e.TrainLoss:0.0000}</td><td>{Format.Percent(e.TrainAccuracy)}</td>" +
                        $"<td>{(e.ValidationLoss is double vl ? vl.ToString("0.0000") : "")}</td><td>{(e.ValidationAccuracy is double va ? Format.Percent(va) : "")}</td>" +
                        $"<td>{e.Seconds:0.00}</td></tr>\n");
        }
        return html.Append("</table>\n").ToString();
    }

    private static string ClassTable(ClassificationReport report)
    {
        var html = new StringBuilder("<table class=\"numbers\">\n<tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
        foreach (ClassMetrics c in report.Classes)
            html.Append($"<tr><td>{HtmlPage.Encode(c.ClassName)}</td><td>{c.Precision:0.0000}</td><td>{c.Recall:0.0000}</td><td>{c.F1:0.0000}</td><td>{c.Support:N0}</td></tr>\n");
        html.Append($"<tr class=\"total\"><td>macro avg</td><td>{report.MacroPrecision:0.0000}</td><td>{report.MacroRecall:0.0000}</td><td>{report.MacroF1:0.0000}</td><td>{report.Confusion.Total:N0}</td></tr>\n");
        return html.Append("</table>\n").ToString();
    }
}

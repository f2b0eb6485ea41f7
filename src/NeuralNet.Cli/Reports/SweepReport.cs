using System.Text;
using NeuralNet.Cli.Commands;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using NeuralNet.Plots;

namespace NeuralNet.Cli.Reports;

/// <summary>
/// The page <c>nn sweep</c> writes: for each swept option, validation accuracy against its value (a log axis for
/// learning rates and weight decays, one line per combination of the other swept options), then a table of all runs.
/// One <see cref="HtmlPage.SingleFile"/> page, like <see cref="HtmlReport"/>.
/// </summary>
public static class SweepReport
{
    // Options whose values are tried by factors (1e-4, 3e-4, 1e-3, ...): plotted on a log axis.
    private static readonly string[] LogScaled = ["--learning-rate", "--weight-decay"];

    /// <summary>Writes the page to <paramref name="path"/> (atomically) and returns the path.</summary>
    public static string Write(string path, IReadOnlyList<SweepCommand.SweepOption> swept, IReadOnlyList<SweepCommand.SweepResult> results)
    {
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(Build(swept, results)));
        return path;
    }

    /// <summary>The page as HTML.</summary>
    public static string Build(IReadOnlyList<SweepCommand.SweepOption> swept, IReadOnlyList<SweepCommand.SweepResult> results)
    {
        string title = "nn sweep — " + string.Join(", ", swept.Select(s => s.Name));
        var body = new StringBuilder($"<h1>{HtmlPage.Encode(title)}</h1>\n");
        body.Append("<p>Each point is one training run; accuracy is on the validation split, at the epoch whose weights were kept " +
                    "(choose settings on validation, and look at the test accuracy once, at the end).</p>\n");
        foreach (SweepCommand.SweepOption option in swept)
        {
            // One line per combination of the other swept options' values.
            var others = swept.Where(s => s != option).ToList();
            var series = results
                .GroupBy(r => string.Join(", ", others.Select(o => $"{o.Name} {Value(r, o.Name)}")))
                .Select(g => (Name: g.Key.Length == 0 ? "validation accuracy" : g.Key,
                              Values: (IReadOnlyList<string>)g.Select(r => Value(r, option.Name)).ToList(),
                              Metric: (IReadOnlyList<double>)g.Select(r => r.ValidationAccuracy ?? double.NaN).ToList()))
                .ToList();
            body.Append($"<h2>{HtmlPage.Encode(option.Name)}</h2>\n");
            body.Append(HtmlPage.Chart(Charts.HyperParameterSweep(option.Name, series, logX: LogScaled.Contains(option.Name)), "sweep" + option.Name));
        }

        body.Append("<h2>Runs</h2>\n<table class=\"numbers\">\n<tr><th>run</th>");
        foreach (SweepCommand.SweepOption s in swept) body.Append($"<th>{HtmlPage.Encode(s.Name)}</th>");
        body.Append("<th>validation accuracy</th><th>validation loss</th><th>best epoch</th><th>test accuracy</th><th>seconds</th></tr>\n");
        double? best = results.Max(r => r.ValidationAccuracy);
        foreach (SweepCommand.SweepResult r in results)
        {
            body.Append(r.ValidationAccuracy is not null && r.ValidationAccuracy == best ? "<tr class=\"best\">" : "<tr>");
            body.Append($"<td>{r.Run.Number}</td>");
            foreach (SweepCommand.SweepOption s in swept) body.Append($"<td>{HtmlPage.Encode(Value(r, s.Name))}</td>");
            body.Append(r.Error is not null
                ? $"<td colspan=\"4\">{HtmlPage.Encode(r.Error)}</td>"
                : $"<td>{Percent(r.ValidationAccuracy)}</td><td>{r.ValidationLoss:0.0000}</td><td>{r.BestEpoch}</td><td>{Percent(r.TestAccuracy)}</td>");
            body.Append($"<td>{r.Seconds:0.0}</td></tr>\n");
        }
        body.Append("</table>\n");
        return HtmlPage.SingleFile(title, body.ToString());
    }

    private static string Value(SweepCommand.SweepResult result, string option) => result.Run.Setting.First(s => s.Option == option).Value;

    private static string Percent(double? value) => value is double v ? Format.Percent(v) : "—";
}

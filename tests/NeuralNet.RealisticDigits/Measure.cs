using System.Globalization;
using System.Text;
using System.Text.Json;
using NeuralNet.Cli;
using NeuralNet.Cli.Infrastructure;

namespace NeuralNet.RealisticDigits;

/// <summary>
/// Runs <c>nn predict MODEL</c> (in-process, exactly as a user would call it) on every image of the set
/// and reports the accuracy per variation, per source, overall, and the misread files.
/// </summary>
public static class Measure
{
    public static string Run(string modelPath, string folder, IReadOnlyList<string> extraArguments)
    {
        IReadOnlyList<DigitSample> samples = DigitSet.Read(folder);
        var output = new StringWriter();
        var error = new StringWriter();
        string[] args = ["predict", modelPath, .. samples.Select(s => Path.Combine(folder, s.File)), "--json", .. extraArguments];
        int code = NnApp.Run(args, new CliHost(output, error, false, CancellationToken.None));
        if (code != 0) throw new InvalidOperationException($"nn predict exited with {code}: {error}");

        using var json = JsonDocument.Parse(output.ToString());
        int[] predicted = json.RootElement.EnumerateArray().Select(e => int.Parse(e.GetProperty("prediction").GetString()!, CultureInfo.InvariantCulture)).ToArray();
        var report = new StringBuilder();
        report.AppendLine($"nn predict {modelPath} on {samples.Count} images of {folder}");
        report.AppendLine("| variation | correct | accuracy |");
        report.AppendLine("|---|---:|---:|");
        void Row(string name, IEnumerable<int> indices)
        {
            int[] all = indices.ToArray();
            int right = all.Count(i => predicted[i] == samples[i].Label);
            report.AppendLine($"| {name} | {right}/{all.Length} | {100.0 * right / all.Length:0.0}% |");
        }
        foreach (string variation in DigitSet.Variations)
            Row(variation, Enumerable.Range(0, samples.Count).Where(i => samples[i].Variation == variation));
        Row("fonts", Enumerable.Range(0, samples.Count).Where(i => samples[i].Source != "strokes"));
        Row("drawn strokes", Enumerable.Range(0, samples.Count).Where(i => samples[i].Source == "strokes"));
        Row("**all**", Enumerable.Range(0, samples.Count));
        report.AppendLine();
        report.AppendLine("Misread: " + string.Join(", ", Enumerable.Range(0, samples.Count).Where(i => predicted[i] != samples[i].Label)
            .Select(i => $"{samples[i].File} ({samples[i].Source}) as {predicted[i]}")));
        return report.ToString();
    }
}

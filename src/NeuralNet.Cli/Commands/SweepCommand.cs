using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Cli.Reports;
using Spectre.Console;

namespace NeuralNet.Cli.Commands;

/// <summary>
/// <c>nn sweep</c>: trains once per combination of the listed values of any <c>nn train</c> options
/// (<c>--learning-rate 1e-4,3e-4,1e-3</c>, <c>--batch-size 32,64</c>, <c>--hidden 128,64/256</c>), prints a table
/// and writes <c>sweep.html</c>: validation accuracy against each swept value (a log axis for rates).
/// Every run is an in-process <c>nn train --json</c>, so each option means and checks exactly what it does there.
/// </summary>
public static class SweepCommand
{
    /// <summary>The chart page's file name inside <c>--out</c>.</summary>
    public const string ReportFileName = "sweep.html";

    /// <summary>
    /// The most runs one sweep may have (1,000): every run trains a network and keeps its model, so a sweep of
    /// lists whose product is in the hundred thousands is a typing slip, not a plan.
    /// </summary>
    public const int MaxRuns = 1000;

    // Options the sweep sets itself for every run.
    private static readonly string[] Reserved = ["--out", "-o", "--model-file", "--json", "--no-report", "--help", "-h", "-?"];

    public static Command Create(CliHost host)
    {
        var output = new Option<string>("--out", "-o") { Description = $"Folder for {ReportFileName} and one subfolder per run (run-1, run-2, ...)", DefaultValueFactory = _ => "sweep" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of a table" };
        var command = new Command("sweep",
            "Train once per combination of listed option values and compare them on the validation set. Takes every nn train option; " +
            "give one or more as comma-separated lists, e.g. --learning-rate 1e-4,3e-4,1e-3,3e-3,1e-2 --batch-size 32,64 " +
            "(for --hidden, separate the alternatives with '/': --hidden 128,64/256).")
        {
            output, json,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetGuardedAction(host, parse =>
        {
            List<SweepOption> options = ReadOptions(host, parse.UnmatchedTokens);
            var swept = options.Where(o => o.Values.Count > 1).ToList();
            if (swept.Count == 0)
                throw new UsageException("nothing to sweep: give at least one nn train option a comma-separated list of values, e.g. --learning-rate 1e-4,1e-3,1e-2.");
            string outDir = parse.GetValue(output)!;
            CheckRunCount(swept);
            List<SweepRun> runs = Combinations(options, outDir);
            CheckArguments(host, runs);
            return Run(host, swept, runs, outDir, parse.GetValue(json));
        });
        return command;
    }

    /// <summary>One train option as given to the sweep: its name and the values to try (one if it is not swept).</summary>
    public sealed record SweepOption(string Name, IReadOnlyList<string> Values, bool IsFlag);

    /// <summary>One training run of the sweep: the swept values it uses and the full <c>nn train</c> arguments.</summary>
    public sealed record SweepRun(int Number, IReadOnlyList<(string Option, string Value)> Setting, string[] TrainArguments, string Folder)
    {
        /// <summary>The swept values, e.g. <c>--learning-rate 0.001 --batch-size 32</c>.</summary>
        public string Label => string.Join(" ", Setting.Select(s => $"{s.Option} {s.Value}"));
    }

    /// <summary>What one run reached; <see cref="Error"/> is set instead when it failed (e.g. the loss diverged).</summary>
    public sealed record SweepResult(SweepRun Run, double? ValidationAccuracy, double? ValidationLoss, int? BestEpoch,
        double? TestAccuracy, double Seconds, string? Error);

    // Pairs each unmatched token with its value, using nn train's own options to know which are flags.
    private static List<SweepOption> ReadOptions(CliHost host, IReadOnlyList<string> tokens)
    {
        Command train = TrainCommand.Create(host);
        var result = new List<SweepOption>();
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            string name = token, value;
            int equals = token.IndexOf('=');
            if (token.StartsWith('-') && equals > 0) (name, value) = (token[..equals], token[(equals + 1)..]);
            else value = "";
            Option? option = train.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
            if (option is null)
                throw new UsageException($"'{token}' is not an nn train option (see nn train --help).");
            if (Reserved.Contains(option.Name))
                throw new UsageException($"{option.Name} is set by the sweep itself; use nn sweep --out for the folder.");
            if (result.Any(o => o.Name == option.Name))
                throw new UsageException($"{option.Name} is given twice; list its values once, comma-separated.");
            bool isFlag = option.ValueType == typeof(bool);
            if (isFlag)
            {
                result.Add(new SweepOption(option.Name, [""], true));
                continue;
            }
            if (equals < 0)
            {
                if (i + 1 >= tokens.Count) throw new UsageException($"{option.Name} needs a value.");
                value = tokens[++i];
            }
            char separator = option.Name == "--hidden" ? '/' : ',';
            string[] values = value.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (values.Length == 0) throw new UsageException($"{option.Name}: expected a value or a list of values, got '{value}'.");
            if (values.Distinct().Count() != values.Length) throw new UsageException($"{option.Name}: a value is listed twice in '{value}'.");
            result.Add(new SweepOption(option.Name, values, false));
        }
        return result;
    }

    private static List<SweepRun> Combinations(List<SweepOption> options, string outDir)
    {
        IEnumerable<List<(SweepOption Option, string Value)>> combos = [[]];
        foreach (SweepOption option in options)
            combos = combos.SelectMany(c => option.Values.Select(v => new List<(SweepOption, string)>(c) { (option, v) })).ToList();
        return combos.Select((combo, index) =>
        {
            string folder = Path.Combine(outDir, $"run-{index + 1}");
            var args = new List<string> { "train" };
            foreach ((SweepOption? option, string? value) in combo)
            {
                args.Add(option.Name);
                if (!option.IsFlag) args.Add(value);
            }
            args.AddRange(["--out", folder, "--no-report", "--json"]);
            var setting = combo.Where(c => c.Option.Values.Count > 1).Select(c => (c.Option.Name, c.Value)).ToList();
            return new SweepRun(index + 1, setting, [.. args], folder);
        }).ToList();
    }

    // The product of the list lengths, counted before any combination is built (four lists of 60 make 13 million).
    private static void CheckRunCount(List<SweepOption> swept)
    {
        long runs = 1;
        foreach (SweepOption option in swept)
        {
            runs *= option.Values.Count;
            if (runs > MaxRuns)
                throw new UsageException($"{string.Join(" x ", swept.Select(s => $"{s.Name} ({s.Values.Count} values)"))} makes " +
                                         $"{swept.Aggregate(1.0, (product, s) => product * s.Values.Count):N0} runs, more than the {MaxRuns:N0} one sweep may have; " +
                                         "list fewer values, or sweep one option at a time.");
        }
    }

    // Every combination must parse as nn train would, before anything is trained.
    private static void CheckArguments(CliHost host, List<SweepRun> runs)
    {
        RootCommand root = NnApp.CreateRoot(host);
        foreach (SweepRun run in runs)
        {
            ParseResult parsed = root.Parse(run.TrainArguments);
            if (parsed.Errors.Count > 0)
                throw new UsageException($"run {run.Number} ({run.Label}): {string.Join(" ", parsed.Errors.Select(e => e.Message))}");
        }
    }

    private static int Run(CliHost host, List<SweepOption> swept, List<SweepRun> runs, string outDir, bool asJson)
    {
        Directory.CreateDirectory(outDir);
        // A first Ctrl+C or SIGTERM finishes the current run (saving it) and writes the chart of the runs so far.
        using IDisposable graceful = StopSignals.Graceful();
        IAnsiConsole console = host.Console;
        if (!asJson) console.WriteLine($"Sweeping {string.Join(" x ", swept.Select(s => $"{s.Name} ({s.Values.Count} values)"))}: {runs.Count} runs");
        var results = new List<SweepResult>();
        foreach (SweepRun run in runs)
        {
            if (host.Cancellation.IsCancellationRequested) break;
            SweepResult result = TrainOnce(host, run);
            results.Add(result);
            if (!asJson) console.WriteLine($"[{run.Number}/{runs.Count}] {run.Label}: " + (result.Error ?? 
                $"validation accuracy {Percent(result.ValidationAccuracy)}, test {Percent(result.TestAccuracy)}, {result.Seconds:0.0} s"));
        }

        string reportPath = SweepReport.Write(Path.Combine(outDir, ReportFileName), swept, results);
        SweepResult? best = results.Where(r => r.ValidationAccuracy is not null).MaxBy(r => r.ValidationAccuracy);
        if (asJson)
        {
            Json.Write(host, new
            {
                swept = swept.Select(s => new { option = s.Name, values = s.Values }),
                runs = results.Select(r => new
                {
                    run = r.Run.Number,
                    setting = r.Run.Setting.ToDictionary(s => s.Option, s => s.Value),
                    validationAccuracy = r.ValidationAccuracy, validationLoss = r.ValidationLoss, bestEpoch = r.BestEpoch,
                    testAccuracy = r.TestAccuracy, seconds = r.Seconds, error = r.Error, model = Path.GetFullPath(Path.Combine(r.Run.Folder, TrainCommand.ModelFileName)),
                }),
                best = best?.Run.Number,
                report = Path.GetFullPath(reportPath),
            });
        }
        else
        {
            Table table = new Table().Border(TableBorder.Rounded).Title("Sweep");
            table.AddColumn("run");
            foreach (SweepOption s in swept) table.AddColumn(s.Name);
            foreach (string column in new[] { "val acc", "val loss", "best epoch", "test acc", "seconds" }) table.AddColumn(new TableColumn(column).RightAligned());
            foreach (SweepResult r in results)
            {
                var cells = new List<string> { r == best ? $"{r.Run.Number} (best)" : r.Run.Number.ToString() };
                cells.AddRange(swept.Select(s => r.Run.Setting.First(x => x.Option == s.Name).Value));
                cells.AddRange(r.Error is not null
                    ? [r.Error, "", "", "", $"{r.Seconds:0.0}"]
                    : [Percent(r.ValidationAccuracy), r.ValidationLoss?.ToString("0.0000") ?? "", r.BestEpoch?.ToString() ?? "", Percent(r.TestAccuracy), $"{r.Seconds:0.0}"]);
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }
            console.Write(table);
            if (best is not null) console.WriteLine($"Best on validation: {best.Run.Label} ({Percent(best.ValidationAccuracy)}); model in {best.Run.Folder}");
            console.WriteLine($"Chart written to {reportPath}");
        }
        return results.Any(r => r.Error is null) ? ExitCodes.Success : ExitCodes.DataOrModel;
    }

    // Runs nn train --json in-process and reads its result; a failed run (exit 2) is recorded, not fatal.
    private static SweepResult TrainOnce(CliHost host, SweepRun run)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int code = NnApp.Run(run.TrainArguments, new CliHost(output, error, false, host.Cancellation));
        double seconds = clock.Elapsed.TotalSeconds;
        if (code == ExitCodes.Internal) throw new InvalidOperationException($"nn train failed in run {run.Number} ({run.Label}): {error}");
        if (code != ExitCodes.Success)
            return new SweepResult(run, null, null, null, null, seconds, error.ToString().Split('\n')[0].Replace("error: ", "").Trim());

        using var json = JsonDocument.Parse(output.ToString());
        JsonElement root = json.RootElement;
        int? bestEpoch = root.GetProperty("bestEpoch").ValueKind == JsonValueKind.Number ? root.GetProperty("bestEpoch").GetInt32() : null;
        var epochs = root.GetProperty("epochs").EnumerateArray().ToList();
        JsonElement? chosen = bestEpoch is int b ? epochs.FirstOrDefault(e => e.GetProperty("epoch").GetInt32() == b) : epochs.LastOrDefault();
        double? Number(JsonElement? e, string name) =>
            e is { } element && element.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        return new SweepResult(run, Number(chosen, "validationAccuracy"), Number(chosen, "validationLoss"), bestEpoch,
            Number(root.GetProperty("test"), "accuracy"), root.GetProperty("seconds").GetDouble(), null);
    }

    private static string Percent(double? value) => value is double v ? Format.Percent(v) : "—";

    /// <summary>Parses a swept value as a number, if it is one.</summary>
    public static double? AsNumber(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? number : null;
}

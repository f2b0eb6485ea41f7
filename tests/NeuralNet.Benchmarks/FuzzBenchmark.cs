using System.Diagnostics;
using NeuralNet.Tests.Fuzz;

namespace NeuralNet.Benchmarks;

/// <summary>
/// <c>fuzz [--cases 100000] [--seed 1]</c>: the test suite's mutation fuzzer (tests/NeuralNet.Tests/Fuzz), run long:
/// every target (model files resealed and as is, IDX raw, gzip, and gzip around mutated content) gets
/// <c>--cases</c> cases. Prints each target's outcome and the kinds of refusal; exits 1 on any failure.
/// </summary>
public static class FuzzBenchmark
{
    public static int Run(string[] args)
    {
        int cases = Option(args, "--cases", 100_000), seed = Option(args, "--seed", 1);
        string scratch = Directory.CreateTempSubdirectory("nn-fuzz-").FullName;
        try
        {
            int failures = 0;
            var clock = Stopwatch.StartNew();
            InputFuzzer.Target[] targets = FuzzTargets.All(scratch);
            for (int t = 0; t < targets.Length; t++)
            {
                InputFuzzer.Report report = InputFuzzer.Run(targets[t], cases, seed + t);
                Console.WriteLine(report);
                failures += report.Failures.Count;
            }
            Console.WriteLine($"{targets.Length} targets x {cases:N0} cases in {clock.Elapsed.TotalSeconds:0.0} s, {failures} failures");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }
}

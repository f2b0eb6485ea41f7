using Xunit.Abstractions;

namespace NeuralNet.Tests.Fuzz;

/// <summary>
/// The readers against seeded mutations of valid files (see <see cref="InputFuzzer"/>): no undocumented
/// exception, no case over 2 s or 256 MB. CI runs a few thousand cases per target; the benchmark command
/// <c>dotnet run -c Release --project tests/NeuralNet.Benchmarks -- fuzz --cases 100000</c> runs more.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int Cases = 3000;

    public static TheoryData<int> Targets => [0, 1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_files_are_refused_with_the_documented_exception_in_bounded_time_and_memory(int target)
    {
        using var folder = new TestData.TempFolder();
        InputFuzzer.Target fuzzed = FuzzTargets.All(folder.Path)[target];

        InputFuzzer.Report report = InputFuzzer.Run(fuzzed, Cases, seed: 12 + target);

        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, report.ToString());
        Assert.Equal(Cases, report.Cases);
        Assert.True(report.Refused > Cases / 4, $"only {report.Refused} refusals: are the mutations reaching the reader?\n{report}");
    }
}

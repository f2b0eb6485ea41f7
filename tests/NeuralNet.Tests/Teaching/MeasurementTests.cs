using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Teaching;

namespace NeuralNet.Tests.Teaching;

/// <summary>The measuring tools of chapter 7. No test here asserts a speed: only that the tools work.</summary>
public class MeasurementTests
{
    [Fact]
    public void CpuInfo_reads_the_model_and_the_reported_clock()
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File("cpuinfo");
        File.WriteAllText(path, "processor\t: 0\nmodel name\t: Example CPU 9000\ncpu MHz\t\t: 2096.020\n\nprocessor\t: 1\nmodel name\t: Example CPU 9000\ncpu MHz\t\t: 3000.000\n");

        var info = CpuInfo.Read(path);

        Assert.Equal("Example CPU 9000", info.Model);
        Assert.Equal(2.09602, info.ReportedGHz!.Value, 6);
    }

    [Fact]
    public void CpuInfo_without_the_file_knows_only_the_core_count()
    {
        var info = CpuInfo.Read("/no/such/cpuinfo");

        Assert.Equal("unknown", info.Model);
        Assert.Null(info.ReportedGHz);
        Assert.Equal(Environment.ProcessorCount, info.Cores);
    }

    [Fact]
    public void KernelTimer_runs_the_action_once_more_than_the_repetitions_and_returns_a_time()
    {
        int runs = 0;

        double seconds = KernelTimer.FastestSeconds(() => runs++, repetitions: 4);

        Assert.Equal(5, runs);
        Assert.True(seconds >= 0 && double.IsFinite(seconds));
        Assert.Equal(2.0 * 10 * 20 * 30 / 0.5 / 1e9, KernelTimer.Gflops(10, 20, 30, 0.5), 12);
    }

    [Fact]
    public void Clock_and_FMA_measurements_return_positive_finite_rates()
    {
        double ghz = ClockSpeed.MeasureGHz(iterations: 100_000, repetitions: 1);
        double gflops = FmaThroughput.MeasureGflops(iterations: 10_000, repetitions: 1);

        Assert.True(ghz > 0 && double.IsFinite(ghz), $"clock {ghz}");
        Assert.True(gflops > 0 && double.IsFinite(gflops), $"FMA throughput {gflops}");
    }

    [Fact]
    public void StepProfile_times_every_layer_both_ways_plus_loss_and_update()
    {
        ImageDataset data = TestData.Random(32, 4, 3, seed: 1);
        var network = Sequential.Mlp(16, [8], 3, seed: 1);
        MiniBatch batch = new MiniBatchSampler(data, 32).GetBatch(0);
        float before = network.Parameters[0].Value.Data[0];

        IReadOnlyList<StepPart> parts = StepProfile.Measure(network, new Sgd(0.1), batch, steps: 3);

        Assert.Equal(
            ["forward Linear(16→8)", "forward ReLU", "forward Linear(8→3)", "loss and its gradient",
             "backward Linear(8→3)", "backward ReLU", "backward Linear(16→8)", "update (SGD)"],
            parts.Select(p => p.Name));
        Assert.All(parts, p => Assert.True(p.Seconds >= 0));
        Assert.NotEqual(before, network.Parameters[0].Value.Data[0]); // the steps really trained
    }
}

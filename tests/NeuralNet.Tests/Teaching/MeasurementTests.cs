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

        Spread seconds = KernelTimer.Seconds(() => runs++, runs: 4);

        Assert.Equal(5, runs);
        Assert.Equal(4, seconds.Values.Count);
        Assert.True(seconds.Min >= 0 && seconds.Min <= seconds.Median && seconds.Median <= seconds.Max && double.IsFinite(seconds.Max));
        Assert.Equal(2.0 * 10 * 20 * 30 / 0.5 / 1e9, KernelTimer.Gflops(10, 20, 30, 0.5), 12);
    }

    [Fact]
    public void Clock_and_FMA_measurements_return_positive_finite_rates()
    {
        double ghz = ClockSpeed.MeasureGHz(iterations: 100_000, repetitions: 1);
        double latency = AddLatency.MeasureSeconds(iterations: 10_000, repetitions: 1);

        Assert.True(ghz > 0 && double.IsFinite(ghz), $"clock {ghz}");
        Assert.True(latency > 0 && double.IsFinite(latency), $"add latency {latency}");
        foreach (int width in System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? new[] { 1, 8, 16 } : [1, 8])
        {
            double gflops = FmaThroughput.MeasureGflops(width, iterations: 10_000, repetitions: 1);
            Assert.True(gflops > 0 && double.IsFinite(gflops), $"FMA throughput at {width} floats: {gflops}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => FmaThroughput.MeasureGflops(4));
    }

    [Fact]
    public void Spread_gives_median_and_range()
    {
        var odd = new Spread([3.0, 1.0, 2.0]);
        var even = new Spread([4.0, 1.0, 3.0, 2.0]);

        Assert.Equal((2.0, 1.0, 3.0), (odd.Median, odd.Min, odd.Max));
        Assert.Equal(2.5, even.Median);
        Assert.Equal([1.0 / 3, 1.0, 0.5], odd.Select(v => 1 / v).Values);   // mapped in the original order
        Assert.Equal("2.0 (1.0–3.0)", odd.ToString("F1"));
        Assert.Throws<ArgumentException>(() => new Spread([]));
    }

    [Fact]
    public void Compare_alternates_and_divides_first_by_second()
    {
        var order = new List<string>();

        (Spread first, Spread second, Spread speedup) = KernelTimer.Compare(() => { order.Add("a"); Thread.Sleep(4); }, () => order.Add("b"), runs: 3);

        Assert.Equal(["a", "b", "a", "b", "a", "b", "a", "b"], order);
        Assert.Equal(3, speedup.Values.Count);
        Assert.All(speedup.Values.Zip(first.Values.Zip(second.Values)), v => Assert.Equal(v.Second.First / v.Second.Second, v.First, 9));
        Assert.True(speedup.Min > 1, "a sleeps 4 ms, b does nothing: a takes longer");
    }

    [Fact]
    public void MemoryBandwidth_returns_a_positive_rate()
    {
        Spread gbs = MemoryBandwidth.MeasureGBs(64 * 1024, runs: 2, bytesPerRun: 1 << 20);

        Assert.Equal(2, gbs.Values.Count);
        Assert.True(gbs.Min > 0 && double.IsFinite(gbs.Max), gbs.ToString());
    }

    [Fact]
    public void CacheInfo_reads_sizes_ways_and_lines()
    {
        using var folder = new TestData.TempFolder();
        string index = Path.Combine(folder.Path, "index0");
        Directory.CreateDirectory(index);
        File.WriteAllText(Path.Combine(index, "level"), "1\n");
        File.WriteAllText(Path.Combine(index, "type"), "Data\n");
        File.WriteAllText(Path.Combine(index, "size"), "32K\n");
        File.WriteAllText(Path.Combine(index, "ways_of_associativity"), "8\n");
        File.WriteAllText(Path.Combine(index, "coherency_line_size"), "64\n");

        IReadOnlyList<CacheInfo> caches = CacheInfo.Read(folder.Path);

        Assert.Equal(new CacheInfo(1, "Data", 32 * 1024, 8, 64), Assert.Single(caches));
        Assert.Equal(64, caches[0].Sets);
        Assert.Same(caches[0], CacheInfo.DataCache(caches, 1));
        Assert.Null(CacheInfo.DataCache(caches, 2));
        Assert.Empty(CacheInfo.Read("/no/such/folder"));
    }

    [Fact]
    public void StepGroups_sum_linear_update_and_the_rest()
    {
        StepPart[] parts = [new("forward Linear(2→3)", 1), new("forward ReLU", 2), new("backward Linear(2→3)", 3), new("update (Adam)", 4)];

        var groups = StepGroups.Of(parts);

        Assert.Equal(new StepGroups(4, 4, 2), groups);
        Assert.Equal(10, groups.Total);
        Assert.Equal(new StepGroups(2, 2, 1), groups.PerImage(2));
        Assert.Equal((5, 784), (StepProfile.RandomBatch(5).Images.Rows, StepProfile.RandomBatch(5).Images.Cols));
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

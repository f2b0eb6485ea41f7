using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

/// <summary>Adds a GFLOP/s column computed from the benchmark's <c>Flops</c> parameter-derived work and its mean time.</summary>
internal sealed class GflopsColumn : IColumn
{
    public string Id => "GFLOPs";
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Billions of floating-point operations per second (2·m·n·k per product)";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkReport? report = summary[benchmarkCase];
        if (report?.ResultStatistics is null) return "–";
        object? shape = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == nameof(GemmBenchmarks.Shape))?.Value;
        if (shape is not string text) return "–";
        (char _, int m, int n, int k) = GemmBenchmarks.Parse(text);
        double seconds = report.ResultStatistics.Median * 1e-9;
        return (2.0 * m * n * k / seconds / 1e9).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
    }
}

internal sealed class GflopsConfig : ManualConfig
{
    public GflopsConfig() => AddColumn(new GflopsColumn());
}

/// <summary>The matrix products: the MLP's own shapes at batch 64 and 256, and squares, on 1 and 2 threads.</summary>
[Config(typeof(GflopsConfig))]
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private Matrix a = null!, b = null!, c = null!;
    private char op;

    // "op:m,n,k": N = A·B, A = Aᵀ·B, B = A·Bᵀ.
    [Params("N:64,128,784", "A:784,128,64", "B:64,784,128", "N:64,64,128", "N:256,128,784", "A:784,128,256", "B:256,784,128",
        "N:256,256,256", "N:512,512,512", "N:1024,1024,1024", "N:2048,2048,2048")]
    public string Shape { get; set; } = "N:64,128,784";

    [Params(1, 2)]
    public int Threads { get; set; }

    public static (char Op, int M, int N, int K) Parse(string shape)
    {
        int[] d = shape[2..].Split(',').Select(int.Parse).ToArray();
        return (shape[0], d[0], d[1], d[2]);
    }

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.ThreadCount = Threads;
        (op, int m, int n, int k) = Parse(Shape);
        var random = new Random(1);
        a = Fill(op == 'A' ? new Matrix(k, m) : new Matrix(m, k), random);
        b = Fill(op == 'B' ? new Matrix(n, k) : new Matrix(k, n), random);
        c = new Matrix(m, n);
    }

    [Benchmark]
    public void Product() => GemmThroughput.Product(op, a, b, c);

    private static Matrix Fill(Matrix matrix, Random random)
    {
        Span<float> values = matrix.Span;
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5);
        return matrix;
    }
}

/// <summary>The element-wise kernels at the MLP's sizes: fast path against the scalar reference.</summary>
[MemoryDiagnoser]
public class ElementwiseBenchmarks
{
    private float[] z = null!, a = null!, dA = null!, dZ = null!;
    private float[] w = null!, g = null!, m = null!, v = null!;
    private Matrix logits = null!, gradient = null!;
    private int[] labels = null!;
    private readonly NeuralNet.Losses.SoftmaxCrossEntropy loss = new();

    /// <summary>64x128 activations (batch 64, first hidden layer); Adam on the 784x128 weights.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.ThreadCount = 1;
        var random = new Random(3);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        z = Values(64 * 128); a = new float[z.Length]; dA = Values(z.Length); dZ = new float[z.Length];
        w = Values(784 * 128); g = Values(w.Length); m = new float[w.Length]; v = new float[w.Length];
        logits = new Matrix(64, 10, Values(640));
        gradient = new Matrix(64, 10);
        labels = Enumerable.Range(0, 64).Select(i => i % 10).ToArray();
    }

    [Benchmark] public void ReluForward() => VectorKernels.ReluForward(z, a);
    [Benchmark] public void ReluForwardScalar() => VectorKernels.ReluForwardScalar(z, a);
    [Benchmark] public void ReluBackward() => VectorKernels.ReluBackward(z, dA, dZ);
    [Benchmark] public void ReluBackwardScalar() => VectorKernels.ReluBackwardScalar(z, dA, dZ);
    private static readonly AdamCoefficients AdamStep = AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, 10);
    [Benchmark] public void Adam784x128() => VectorKernels.Adam(w, g, m, v, AdamStep);
    [Benchmark] public void Adam784x128Scalar() => VectorKernels.AdamScalar(w, g, m, v, AdamStep);
    [Benchmark] public float SoftmaxCrossEntropy64x10() => loss.Compute(logits, labels, gradient);
}

/// <summary>
/// One training step (gather, forward, loss, backward, Adam) of the 784-128-64-10 network or chapter 6's CNN on
/// MNIST. The memory diagnoser's "Allocated" column must read 0 B: the steady state allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class TrainStepBenchmarks
{
    private TrainStepFixture fixture = null!;

    [Params("mlp", "cnn")]
    public string Model { get; set; } = "mlp";

    [Params(64, 256)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.ThreadCount = Threads;
        fixture = new TrainStepFixture(Batch, model: Model);
        for (int i = 0; i < 50; i++) fixture.Step();
    }

    [Benchmark]
    public double TrainStep() => fixture.Step();
}

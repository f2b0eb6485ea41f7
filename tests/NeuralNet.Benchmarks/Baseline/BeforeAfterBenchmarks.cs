using BenchmarkDotNet.Attributes;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks.Baseline;

/// <summary>
/// Issue 14's before/after check in one run: the element-wise kernels and the matrix product as they were
/// before the one-kernel-per-operation rewrite (copies in this folder) against the library's current ones.
/// </summary>
[MemoryDiagnoser]
public class BeforeAfterElementwise
{
    private float[] z = null!, a = null!, dA = null!, dZ = null!, w = null!, g = null!, m = null!, v = null!, vel = null!;

    [Params(64 * 128, 784 * 128)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.ThreadCount = 1;
        var random = new Random(3);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        z = Values(Length); a = new float[Length]; dA = Values(Length); dZ = new float[Length];
        w = Values(Length); g = Values(Length); m = new float[Length]; v = new float[Length]; vel = new float[Length];
    }

    [Benchmark] public void ReluForwardBefore() => BaselineVectorKernels.ReluForward(z, a);
    [Benchmark] public void ReluForwardAfter() => VectorKernels.ReluForward(z, a);
    [Benchmark] public void ReluBackwardBefore() => BaselineVectorKernels.ReluBackward(z, dA, dZ);
    [Benchmark] public void ReluBackwardAfter() => VectorKernels.ReluBackward(z, dA, dZ);
    [Benchmark] public void TanhBackwardBefore() => BaselineVectorKernels.TanhBackward(z, dA, dZ);
    [Benchmark] public void TanhBackwardAfter() => VectorKernels.TanhBackward(z, dA, dZ);
    [Benchmark] public void AddScaledBefore() => BaselineVectorKernels.AddScaled(z, 0.5f, a);
    [Benchmark] public void AddScaledAfter() => VectorKernels.AddScaled(z, 0.5f, a);
    [Benchmark] public double SumOfSquaresBefore() => BaselineVectorKernels.SumOfSquares(z);
    [Benchmark] public double SumOfSquaresAfter() => VectorKernels.SumOfSquares(z);
    [Benchmark] public void AdamBefore() => BaselineVectorKernels.Adam(w, g, m, v, 0.9f, 0.999f, 1e-3f, 1e-8f);
    [Benchmark] public void AdamAfter() => VectorKernels.Adam(w, g, m, v, AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, 10));
    [Benchmark] public void MomentumBefore() => BaselineVectorKernels.Momentum(w, g, vel, 0.05f, 0.9f);
    [Benchmark] public void MomentumAfter() => VectorKernels.Momentum(w, g, vel, 0.05f, 0.9f);
}

/// <summary>The matrix product before (a copy of the three-micro-kernel version) and after, same shapes, one thread.</summary>
public class BeforeAfterGemm
{
    private float[] a = null!, b = null!, c = null!;
    private int m, n, k;
    private bool ta, tb;

    [Params("N:64,128,784", "A:784,128,64", "B:64,784,128", "N:256,128,784", "N:512,512,512")]
    public string Shape { get; set; } = "N:64,128,784";

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.ThreadCount = 1;
        char op;
        (op, m, n, k) = GemmBenchmarks.Parse(Shape);
        ta = op == 'A';
        tb = op == 'B';
        var random = new Random(1);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        a = Values(m * k); b = Values(k * n); c = new float[m * n];
    }

    [Benchmark] public void ProductBefore() => BaselineGemmKernel.Run(ta, tb, m, n, k, a, b, c, accumulate: false);
    [Benchmark] public void ProductAfter() => GemmKernel.Run(ta, tb, m, n, k, a, b, c, accumulate: false);
}

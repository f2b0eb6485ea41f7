using NeuralNet.Engine;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Tensors;

public class VectorKernelsTests
{
    // Empty, one element, primes, and lengths around every vector width (4, 8, 16).
    public static TheoryData<int> Lengths => new() { 0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 97, 1000 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Relu_forward_and_backward_match_the_scalar_loops_on_every_path(int n)
    {
        float[] z = Values(n, 1), dA = Values(n, 2);
        if (n > 2) z[2] = float.NaN;
        float[] expectedA = new float[n];
        float[] expectedDz = new float[n];
        VectorKernels.ReluForwardScalar(z, expectedA);
        VectorKernels.ReluBackwardScalar(z, dA, expectedDz);
        OnEveryPath(() =>
        {
            float[] a = new float[n];
            float[] dz = new float[n];
            VectorKernels.ReluForward(z, a);
            VectorKernels.ReluBackward(z, dA, dz);
            Assert.Equal(expectedA, a);
            Assert.Equal(expectedDz, dz);
        });
        if (n > 2) Assert.True(float.IsNaN(expectedA[2]), "ReLU must let a NaN through so that divergence is detected");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sigmoid_and_tanh_derivatives_match_the_scalar_loops_on_every_path(int n)
    {
        float[] a = Values(n, 3), dA = Values(n, 4);
        float[] expectedSigmoid = new float[n];
        float[] expectedTanh = new float[n];
        VectorKernels.SigmoidBackwardScalar(a, dA, expectedSigmoid);
        VectorKernels.TanhBackwardScalar(a, dA, expectedTanh);
        OnEveryPath(() =>
        {
            float[] sigmoid = new float[n];
            float[] tanh = new float[n];
            VectorKernels.SigmoidBackward(a, dA, sigmoid);
            VectorKernels.TanhBackward(a, dA, tanh);
            Assert.Equal(expectedSigmoid, sigmoid);
            Assert.Equal(expectedTanh, tanh);
        });
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sums_and_scaling_match_the_scalar_loops_on_every_path(int n)
    {
        float[] x = Values(n, 5), y0 = Values(n, 6);
        float[] expectedAdd = (float[])y0.Clone(), expectedAxpy = (float[])y0.Clone();
        VectorKernels.AddScalar(x, expectedAdd);
        VectorKernels.AddScaledScalar(x, -0.37f, expectedAxpy);
        float[] expectedScaled = (float[])x.Clone();
        VectorKernels.ScaleScalar(expectedScaled, -0.37f);
        double expectedSquares = VectorKernels.SumOfSquaresScalar(x);
        OnEveryPath(() =>
        {
            float[] add = (float[])y0.Clone(), axpy = (float[])y0.Clone(), scaled = (float[])x.Clone();
            VectorKernels.Add(x, add);
            VectorKernels.AddScaled(x, -0.37f, axpy);
            VectorKernels.Scale(scaled, -0.37f);
            Assert.Equal(expectedAdd, add);
            Assert.Equal(expectedAxpy, axpy);
            Assert.Equal(expectedScaled, scaled);
            Assert.Equal(expectedSquares, VectorKernels.SumOfSquares(x), 1e-9 * (1 + expectedSquares));
        });
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Adam_and_momentum_updates_match_the_scalar_loops_on_every_path(int n)
    {
        float[] w0 = Values(n, 7), g = Values(n, 8), m0 = Values(n, 9), v0 = Values(n, 10).Select(Math.Abs).ToArray();
        if (n > 3) { g[3] = 0f; m0[3] = 1e-31f; v0[3] = 1e-31f; } // decays below the flush threshold
        float[] w = (float[])w0.Clone(), m = (float[])m0.Clone(), v = (float[])v0.Clone();
        VectorKernels.AdamScalar(w, g, m, v, AdamStep);
        float[] wm = (float[])w0.Clone(), velocity = (float[])m0.Clone();
        VectorKernels.MomentumScalar(wm, g, velocity, 0.05f, 0.9f);
        if (n > 3) Assert.Equal(0f, m[3]);
        OnEveryPath(() =>
        {
            float[] w2 = (float[])w0.Clone(), m2 = (float[])m0.Clone(), v2 = (float[])v0.Clone();
            VectorKernels.Adam(w2, g, m2, v2, AdamStep);
            Assert.Equal(w, w2);
            Assert.Equal(m, m2);
            Assert.Equal(v, v2);
            float[] wm2 = (float[])w0.Clone(), velocity2 = (float[])m0.Clone();
            VectorKernels.Momentum(wm2, g, velocity2, 0.05f, 0.9f);
            Assert.Equal(wm, wm2);
            Assert.Equal(velocity, velocity2);
        });
    }

    [Fact]
    public void Adam_on_a_large_tensor_split_over_threads_matches_the_scalar_loop()
    {
        const int n = 100_003;
        float[] w0 = Values(n, 11), g = Values(n, 12), m0 = Values(n, 13), v0 = Values(n, 14).Select(Math.Abs).ToArray();
        float[] w = (float[])w0.Clone(), m = (float[])m0.Clone(), v = (float[])v0.Clone();
        VectorKernels.AdamScalar(w, g, m, v, AdamStep);
        float[] w2 = (float[])w0.Clone(), m2 = (float[])m0.Clone(), v2 = (float[])v0.Clone();
        VectorKernels.Adam(w2, g, m2, v2, AdamStep);
        Assert.Equal(w, w2);
        Assert.Equal(m, m2);
        Assert.Equal(v, v2);
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => VectorKernels.ReluForward(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => VectorKernels.Adam(new float[3], new float[3], new float[2], new float[3], AdamStep));
    }

    [Fact]
    public void Adam_coefficients_come_from_the_double_values()
    {
        // 1 − β₂ computed in double then rounded differs from 1f − 0.999f (0.00100004673…).
        var c = AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, 1);
        Assert.Equal((float)(1 - 0.999), c.OneMinusBeta2);
        Assert.Equal((float)(1 - 0.9), c.OneMinusBeta1);
        Assert.NotEqual(1f - 0.999f, c.OneMinusBeta2);
        // Step 1: m̂ = g and v̂ = g², so the step size is η·√(1−β₂)/(1−β₁) and ε̂ = ε·√(1−β₂).
        Assert.Equal((float)(1e-3 * Math.Sqrt(1 - 0.999) / (1 - 0.9)), c.Step);
        Assert.Equal((float)(1e-8 * Math.Sqrt(1 - 0.999)), c.Epsilon);
    }

    private static readonly AdamCoefficients AdamStep = AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, 3);

    private static void OnEveryPath(Action check)
    {
        foreach (Isa isa in Enum.GetValues<Isa>())
        {
            if (isa > SimdPath.Best) continue;
            using (ComputeContext.Current.Narrowed(simd: isa).Use())
            {
                check();
            }
        }
    }

    private static float[] Values(int n, int seed)
    {
        var random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)(random.NextDouble() * 4 - 2);
        return values;
    }
}

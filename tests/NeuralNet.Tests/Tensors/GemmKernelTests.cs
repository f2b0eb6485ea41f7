using NeuralNet.Engine;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Tensors;

public class GemmKernelTests
{
    // Awkward shapes: empty, 1x1, primes, not multiples of any vector width, and ones that cross the
    // cache blocks (KC = 320, MC = 192, NC = 1024) and the edge tiles.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 0, 0, 0 }, { 0, 5, 3 }, { 4, 0, 3 }, { 3, 4, 0 },
        { 1, 1, 1 }, { 1, 7, 1 }, { 2, 3, 5 }, { 7, 13, 17 }, { 8, 32, 1 }, { 9, 33, 31 },
        { 6, 16, 8 }, { 13, 47, 29 }, { 64, 10, 64 }, { 31, 97, 331 }, { 197, 37, 3 }, { 5, 1031, 11 },
    };

    public static IEnumerable<object[]> Paths()
    {
        foreach (Isa isa in Enum.GetValues<Isa>())
            if (isa <= GemmKernel.Best) yield return [isa];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_path_matches_the_reference_on_awkward_shapes(int m, int n, int k)
    {
        foreach (object[] path in Paths())
            foreach (bool transposeA in new[] { false, true })
                foreach (bool transposeB in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        foreach (int parts in new[] { 0, 2, 3 })
                            AssertMatchesReferenceGemm((Isa)path[0], parts, transposeA, transposeB, accumulate, withBias: false, m, n, k);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fused_bias_matches_product_plus_bias(int m, int n, int k)
    {
        foreach (object[] path in Paths())
            foreach (bool accumulate in new[] { false, true })
                AssertMatchesReferenceGemm((Isa)path[0], 0, false, false, accumulate, withBias: true, m, n, k);
    }

    [Theory]
    [InlineData(64, 128, 784)]
    [InlineData(784, 128, 64)]
    [InlineData(64, 784, 128)]
    [InlineData(200, 1050, 340)]
    [InlineData(397, 35, 50)]
    public void Large_products_match_the_reference_across_cache_blocks_and_splits(int m, int n, int k)
    {
        foreach (int parts in new[] { 1, 2 })
        {
            AssertMatchesReferenceGemm(GemmKernel.Best, parts, false, false, false, false, m, n, k);
            AssertMatchesReferenceGemm(GemmKernel.Best, parts, true, false, true, false, m, n, k);
            AssertMatchesReferenceGemm(GemmKernel.Best, parts, false, true, false, false, m, n, k);
        }
    }

    [Fact]
    public void Results_are_bit_identical_whatever_the_thread_split()
    {
        var random = new Random(5);
        float[] a = RandomArray(random, 97 * 300), b = RandomArray(random, 300 * 211);
        float[] single = new float[97 * 211], split2 = new float[97 * 211], split3 = new float[97 * 211];
        Run(GemmKernel.Best, 1, () => GemmKernel.Run(false, false, 97, 211, 300, a, b, single, false));
        Run(GemmKernel.Best, 2, () => GemmKernel.Run(false, false, 97, 211, 300, a, b, split2, false));
        Run(GemmKernel.Best, 3, () => GemmKernel.Run(false, false, 97, 211, 300, a, b, split3, false));
        Assert.Equal(single, split2);
        Assert.Equal(single, split3);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(64, 128, 784)]
    [InlineData(256, 64, 128)]
    public void Fused_relu_gives_the_same_bits_as_the_product_then_relu(int m, int n, int k)
    {
        var random = new Random(m * 31 + n * 7 + k);
        float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n), bias = RandomArray(random, n);
        if (a.Length > 0) a[0] = float.NaN; // a NaN stays NaN in both (row 0 of C)
        foreach (object[] path in Paths())
            foreach (int parts in new[] { 1, 2, 3 })
            {
                float[] expected = new float[m * n], fused = new float[m * n];
                Run((Isa)path[0], parts, () =>
                {
                    GemmKernel.Run(false, false, m, n, k, a, b, expected, accumulate: false, bias);
                    VectorKernels.ReluForward(expected, expected);
                    GemmKernel.Run(false, false, m, n, k, a, b, fused, accumulate: false, bias, relu: true);
                });
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), fused.Select(BitConverter.SingleToInt32Bits));
                Assert.DoesNotContain(fused, v => v < 0);
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(64, 128, 64)]
    [InlineData(256, 64, 10)]
    public void Masked_product_gives_the_same_bits_as_the_product_then_relu_derivative(int m, int n, int k)
    {
        // C = A·Bᵀ kept where the mask is > 0: the masks has positives, negatives, zeros, -0 and a NaN.
        var random = new Random(m * 17 + n * 5 + k);
        float[] a = RandomArray(random, m * k), b = RandomArray(random, n * k), mask = RandomArray(random, m * n);
        for (int i = 0; i < mask.Length; i += 7) mask[i] = i % 2 == 0 ? 0f : -0f;
        if (mask.Length > 3) mask[3] = float.NaN;
        foreach (object[] path in Paths())
            foreach (int parts in new[] { 1, 2, 3 })
            {
                float[] expected = new float[m * n], masked = new float[m * n];
                Run((Isa)path[0], parts, () =>
                {
                    GemmKernel.Run(false, true, m, n, k, a, b, expected, accumulate: false);
                    VectorKernels.ReluBackward(mask, expected, expected);
                    GemmKernel.Run(false, true, m, n, k, a, b, masked, accumulate: false, bias: default, relu: false, positiveWhere: mask);
                });
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), masked.Select(BitConverter.SingleToInt32Bits));
            }
    }

    [Theory]
    [InlineData(64, 128, 784)]   // an MNIST batch times W₁: most pixel columns blank
    [InlineData(784, 128, 64)]   // dW₁ = Xᵀ·dZ
    [InlineData(37, 45, 333)]    // edge tiles, three k blocks
    [InlineData(9, 33, 31)]
    public void Skipping_zero_columns_gives_the_bits_of_the_full_product(int m, int n, int k)
    {
        // A as sparse as an MNIST batch or a ReLU's output: whole zero columns, scattered zeros, −0, and a NaN
        // (never skipped); the skipped product must equal the one that runs every multiply-add, bit for bit.
        var random = new Random(m * 7 + n * 3 + k);
        foreach (bool transposeA in new[] { false, true })
        {
            float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n), bias = RandomArray(random, n);
            for (int i = 0; i < a.Length; i++)
            {
                int column = transposeA ? i / m : i % k; // the inner index p of element i
                if (column % 3 != 0 || random.NextDouble() < 0.5) a[i] = random.NextDouble() < 0.1 ? -0f : 0f;
            }
            if (a.Length > 5) a[5] = float.NaN;
            foreach (object[] path in Paths())
                foreach (int parts in new[] { 1, 2 })
                    foreach (bool relu in new[] { false, true })
                    {
                        float[] skipped = new float[m * n], full = new float[m * n];
                        var isa = (Isa)path[0];
                        using (ComputeContext.Current.Narrowed(simd: isa, productParts: parts).Use())
                            GemmKernel.Run(transposeA, false, m, n, k, a, b, skipped, accumulate: false, bias, relu);
                        using (ComputeContext.Current.Narrowed(simd: isa, productParts: parts, skipsZeros: false).Use())
                            GemmKernel.Run(transposeA, false, m, n, k, a, b, full, accumulate: false, bias, relu);
                        Assert.Equal(full.Select(BitConverter.SingleToInt32Bits), skipped.Select(BitConverter.SingleToInt32Bits));
                    }
        }
    }

    [Theory]
    [InlineData(64, 128, 784, true)]
    [InlineData(256, 128, 784, false)]
    [InlineData(37, 45, 333, true)]   // a last panel of 5 rows, a cut inside a k block
    [InlineData(64, 128, 1568, true)]
    public void Inner_pipeline_gives_the_bits_of_one_thread(int m, int n, int k, bool relu)
    {
        // Two threads sharing each sum (first half of p on one, the rest on the other, panel after panel) compute
        // the same chain of multiply-adds as one thread; also when the halves run one after the other on one thread.
        var random = new Random(m + n + k);
        var a = new Matrix(m, k, RandomArray(random, m * k));
        var w = new Matrix(k, n, RandomArray(random, k * n));
        var bias = new Matrix(1, n, RandomArray(random, n));
        foreach (object[] path in Paths())
        {
            var isa = (Isa)path[0];
            Matrix one = new(m, n), two = new(m, n), alone = new(m, n);
            using (new ComputeContext(1).Narrowed(simd: isa).Use()) Gemm.MultiplyAddRow(a, w, bias, one, relu, ProductSplit.InnerPipeline);
            using (new ComputeContext(2).Narrowed(simd: isa).Use()) Gemm.MultiplyAddRow(a, w, bias, two, relu, ProductSplit.InnerPipeline);
            using (new ComputeContext(1).Narrowed(simd: isa, productParts: 2).Use()) Gemm.MultiplyAddRow(a, w, bias, alone, relu, ProductSplit.InnerPipeline);
            Assert.Equal(one.Data.Select(BitConverter.SingleToInt32Bits), two.Data.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(one.Data.Select(BitConverter.SingleToInt32Bits), alone.Data.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void Concurrent_callers_get_correct_results()
    {
        var random = new Random(9);
        float[] a = RandomArray(random, 64 * 256), b = RandomArray(random, 256 * 128);
        float[] expected = new float[64 * 128];
        GemmKernel.Run(false, false, 64, 128, 256, a, b, expected, false);
        Parallel.For(0, 8, _ =>
        {
            float[] c = new float[64 * 128];
            for (int repeat = 0; repeat < 20; repeat++)
            {
                GemmKernel.Run(false, false, 64, 128, 256, a, b, c, false);
                Assert.Equal(expected, c);
            }
        });
    }

    [Fact]
    public void Gemm_entry_points_check_shapes()
    {
        var a = new Matrix(2, 3);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, new Matrix(4, 2), new Matrix(2, 2)));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposeA(a, new Matrix(2, 2), new Matrix(2, 2)));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposeB(a, new Matrix(2, 3), new Matrix(3, 2)));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyAddRow(a, new Matrix(3, 2), new Matrix(1, 3), new Matrix(2, 2)));
    }

    private static void AssertMatchesReferenceGemm(Isa isa, int parts, bool transposeA, bool transposeB, bool accumulate, bool withBias, int m, int n, int k)
    {
        var random = new Random(m * 1_000_003 + n * 1009 + k);
        float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n);
        float[] start = RandomArray(random, m * n);
        float[] bias = withBias ? RandomArray(random, n) : [];
        float[] expected = (float[])start.Clone(), actual = (float[])start.Clone();

        ReferenceGemm.Run(transposeA, transposeB, m, n, k, a, b, expected, accumulate);
        if (withBias)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) expected[i * n + j] += bias[j];
        Run(isa, parts, () => GemmKernel.Run(transposeA, transposeB, m, n, k, a, b, actual, accumulate, bias));

        for (int i = 0; i < expected.Length; i++)
        {
            float tolerance = 1e-5f * (k + 2);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"{isa} parts={parts} tA={transposeA} tB={transposeB} acc={accumulate} bias={withBias} {m}x{n}x{k}: element {i} is {actual[i]}, expected {expected[i]}");
        }
    }

    private static void Run(Isa isa, int parts, Action action)
    {
        using (ComputeContext.Current.Narrowed(simd: isa, productParts: parts).Use()) action();
    }

    private static float[] RandomArray(Random random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}

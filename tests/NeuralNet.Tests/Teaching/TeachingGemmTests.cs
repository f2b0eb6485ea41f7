using NeuralNet.Teaching;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Teaching;

/// <summary>Every step of chapter 7's matrix product agrees with the textbook reference (double-precision sums).</summary>
public class TeachingGemmTests
{
    private static readonly string[] KernelNames = ["naive", "loop order", "blocked", "simd256", "simd512", "register tile", "packed", "packed 3 threads", "packed depth 7"];

    public static TheoryData<string> Kernels => new(KernelNames);

    // Shapes that are not multiples of any vector width or tile, that cross the 128-wide tiles of BlockedGemm
    // and the 256-deep packs of PackedGemm, and degenerate ones.
    private static readonly (int M, int N, int K)[] Shapes =
        [(1, 1, 1), (2, 3, 5), (7, 13, 17), (6, 32, 8), (12, 64, 3), (13, 47, 29), (9, 33, 300), (131, 129, 257), (3, 200, 1)];

    public static IEnumerable<object[]> KernelsAndShapes() =>
        from kernel in KernelNames from shape in Shapes select new object[] { kernel, shape.M, shape.N, shape.K };

    [Theory]
    [MemberData(nameof(KernelsAndShapes))]
    public void Kernel_matches_the_reference(string kernel, int m, int n, int k)
    {
        var random = new Random(m * 1000 + n * 10 + k);
        Matrix a = RandomMatrix(m, k, random), b = RandomMatrix(k, n, random);
        float[] expected = new float[m * n];
        ReferenceGemm.Run(false, false, m, n, k, a.Data, b.Data, expected, accumulate: false);
        var c = new Matrix(m, n);
        c.Fill(123f); // every kernel must overwrite C, not add to what was there

        Run(kernel, a, b, c);

        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(c.Data[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])) * Math.Sqrt(k),
                $"{kernel} {m}x{k}·{k}x{n}: C[{i / n},{i % n}] = {c.Data[i]}, expected {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_rejects_mismatched_shapes(string kernel)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Run(kernel, new Matrix(3, 4), new Matrix(5, 2), new Matrix(3, 2)));
        Assert.Contains("inner dimensions", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Run(kernel, new Matrix(3, 4), new Matrix(4, 2), new Matrix(2, 3)));
        Assert.Contains("C must be 3x2", ex.Message);
    }

    private static void Run(string kernel, Matrix a, Matrix b, Matrix c)
    {
        switch (kernel)
        {
            case "naive": NaiveGemm.Multiply(a, b, c); break;
            case "loop order": LoopOrderGemm.Multiply(a, b, c); break;
            case "blocked": BlockedGemm.Multiply(a, b, c); break;
            case "simd256": SimdGemm.Multiply256(a, b, c); break;
            case "simd512": SimdGemm.Multiply512(a, b, c); break;
            case "register tile": RegisterTileGemm.Multiply(a, b, c); break;
            case "packed": PackedGemm.Multiply(a, b, c); break;
            case "packed 3 threads": PackedGemm.Multiply(a, b, c, threads: 3); break;
            case "packed depth 7": PackedGemm.Multiply(a, b, c, depth: 7); break;
            default: throw new ArgumentException(kernel);
        }
    }

    private static Matrix RandomMatrix(int rows, int cols, Random random)
    {
        var m = new Matrix(rows, cols);
        for (int i = 0; i < m.Length; i++) m.Data[i] = (float)(random.NextDouble() * 2 - 1);
        return m;
    }
}

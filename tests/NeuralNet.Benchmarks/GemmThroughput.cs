using NeuralNet.Engine;
using System.Diagnostics;
using System.Globalization;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

/// <summary>
/// GFLOP/s of <see cref="Gemm"/> on the MLP's products and on squares, timed with a plain loop (best of
/// several repeats) so the comparison script gets one line per shape quickly.
/// </summary>
internal static class GemmThroughput
{
    public static readonly (string Name, char Op, int M, int N, int K)[] Shapes =
    [
        ("fwd1 64x784*784x128", 'N', 64, 128, 784),
        ("dW1 784x64*64x128", 'A', 784, 128, 64),
        ("dX1 64x128*128x784", 'B', 64, 784, 128),
        ("fwd1 256x784*784x128", 'N', 256, 128, 784),
        ("square 256", 'N', 256, 256, 256),
        ("square 512", 'N', 512, 512, 512),
        ("square 1024", 'N', 1024, 1024, 1024),
        ("square 2048", 'N', 2048, 2048, 2048),
    ];

    public static int Run(string[] args)
    {
        ComputeSettings.ThreadCount = Options.Int(args, "--threads", Environment.ProcessorCount);
        string? only = Options.Text(args, "--only");
        bool cpu = args.Contains("--cpu"); // time by the calling thread's CPU time (1 thread only; robust on a busy machine)
        (string Name, char Op, int M, int N, int K)[] shapes = Shapes;
        if (Options.Text(args, "--shape") is { } custom) // e.g. --shape N:40,40,40
        {
            int[] d = custom[2..].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            shapes = [(custom, custom[0], d[0], d[1], d[2])];
        }
        foreach ((string? name, char op, int m, int n, int k) in shapes)
        {
            if (only is not null && !name.Contains(only, StringComparison.Ordinal)) continue;
            double gflops = Measure(op, m, n, k, cpu);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT gemm peer=ours threads={ComputeSettings.ThreadCount} shape=\"{name}\" gflops={gflops:0.0}"));
        }
        return 0;
    }

    /// <summary>
    /// Where splitting a product over two threads starts to pay: cubes of growing size, one part against two
    /// (wall-clock, best of 7). The kernel's ParallelThreshold comes from this.
    /// </summary>
    public static int Cut(string[] args)
    {
        ComputeSettings.ThreadCount = 2;
        foreach (int size in new[] { 16, 24, 32, 40, 48, 64, 96, 128, 192 })
        {
            double one, two;
            using (ComputeContext.Current.Narrowed(productParts: 1).Use()) one = Measure('N', size, size, size);
            using (ComputeContext.Current.Narrowed(productParts: 2).Use()) two = Measure('N', size, size, size);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT cut size={size} macs={size * size * size} one_gflops={one:0.0} two_gflops={two:0.0} speedup={two / one:0.00}"));
        }
        return 0;
    }

    public static double Measure(char op, int m, int n, int k, bool cpu = false)
    {
        var random = new Random(1);
        Matrix a = op == 'A' ? Fill(new Matrix(k, m), random) : Fill(new Matrix(m, k), random);
        Matrix b = op == 'B' ? Fill(new Matrix(n, k), random) : Fill(new Matrix(k, n), random);
        var c = new Matrix(m, n);
        double flops = 2.0 * m * n * k;
        int reps = (int)Math.Clamp(2e8 / flops, 1, 20000);
        double best = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            double start = cpu ? StepProfile.ThreadCpuSeconds() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            for (int r = 0; r < reps; r++) Product(op, a, b, c);
            double end = cpu ? StepProfile.ThreadCpuSeconds() : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            best = Math.Min(best, (end - start) / reps);
        }
        return flops / best / 1e9;
    }

    public static void Product(char op, Matrix a, Matrix b, Matrix c)
    {
        if (op == 'A') Gemm.MultiplyTransposeA(a, b, c);
        else if (op == 'B') Gemm.MultiplyTransposeB(a, b, c);
        else Gemm.Multiply(a, b, c);
    }

    private static Matrix Fill(Matrix matrix, Random random)
    {
        Span<float> values = matrix.Span;
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5);
        return matrix;
    }
}

using System.Diagnostics;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

// Temporary probe: Adam on a 784x128 tensor, flat halves vs owner columns, 1 and 2 threads.
internal static class AdamSplitProbe
{
    public static int Run(string[] args)
    {
        const int rows = 784, cols = 128, n = rows * cols;
        float[] w = ColumnOwnership.CacheAligned(n), g = ColumnOwnership.CacheAligned(n), m = ColumnOwnership.CacheAligned(n), v = ColumnOwnership.CacheAligned(n);
        var r = new Random(1);
        for (int i = 0; i < n; i++) { g[i] = (float)r.NextDouble() - 0.5f; w[i] = (float)r.NextDouble(); }
        var c = AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, 5);
        // layouts: "il" = row-major, halves interleaved per row; "mv-blocked" = m, v stored half by half; "all-blocked"
        void RowLoop(int half, bool blockedMv, bool blockedAll)
        {
            for (int row = 0; row < rows; row++)
            {
                int il = row * cols + half * 64, bl = half * rows * 64 + row * 64;
                int wi = blockedAll ? bl : il, mi = blockedMv || blockedAll ? bl : il;
                VectorKernels.Adam(w.AsSpan(wi, 64), g.AsSpan(wi, 64), m.AsSpan(mi, 64), v.AsSpan(mi, 64), c);
            }
        }
        var cases = new (string Name, int Threads, Action Body)[]
        {
            ("flat", 1, () => VectorKernels.Adam(w, g, m, v, c)),
            ("flat", 2, () => VectorKernels.Adam(w, g, m, v, c)),
            ("columns kernel", 2, () => VectorKernels.Adam(w, g, m, v, c, cols)),
            ("columns kernel, both parts on the caller", 2, () => ParallelRange.ForBlocks(2, h => { if (h == 0) VectorKernels.Adam(w, g, m, v, c, cols); })),
            ("rows loop 1 thread", 1, () => { RowLoop(0, false, false); RowLoop(1, false, false); }),
            ("rows loop interleaved", 2, () => ParallelRange.ForBlocks(2, h => RowLoop(h, false, false))),
            ("rows loop mv-blocked", 2, () => ParallelRange.ForBlocks(2, h => RowLoop(h, true, false))),
            ("rows loop all-blocked", 2, () => ParallelRange.ForBlocks(2, h => RowLoop(h, false, true))),
        };
        for (int round = 0; round < 2; round++)
        foreach ((string name, int threads, Action body) in cases)
        {
            ComputeSettings.ThreadCount = threads;
            var times = new List<double>();
            for (int s = 0; s < 1000; s++)
            {
                long t0 = Stopwatch.GetTimestamp();
                body();
                times.Add((Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
            }
            times.Sort();
            Console.WriteLine($"{name,-24} threads {threads}: median {times[times.Count / 2]:0.0} µs p10 {times[times.Count / 10]:0.0}");
        }
        return 0;
    }
}

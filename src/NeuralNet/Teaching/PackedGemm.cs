using System.Runtime.CompilerServices;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 6 of chapter 7: packing and a register tile, the structure of every fast GEMM (GotoBLAS, BLIS,
/// OpenBLAS, our own <see cref="Gemm"/>). The <see cref="SimdGemm"/> loop loads and stores C for every
/// multiply-add; here a tile of <see cref="TileRows"/> x <see cref="TileCols"/> floats of C stays in
/// registers for a whole run of p, and A and B are first copied ("packed") into the exact order the tile
/// reads them, so that every load is the next 64 bytes in memory.
/// </summary>
public static class PackedGemm
{
    /// <summary>Rows of C in one register tile.</summary>
    public const int TileRows = 6;

    /// <summary>Columns of C in one register tile: two 512-bit vectors.</summary>
    public const int TileCols = 32;

    /// <summary>The p range packed at once: a 6-row panel of A and a 32-column panel of B then fit in L1.</summary>
    public const int Depth = 256;

    [ThreadStatic] private static float[]? packedABuffer, packedBBuffer;

    private static float[] Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new float[length];
        return buffer;
    }

    /// <summary>C = A·B on <paramref name="threads"/> threads (each takes whole row panels of A).</summary>
    public static void Multiply(Matrix a, Matrix b, Matrix c, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        int rowPanels = (m + TileRows - 1) / TileRows, colPanels = (n + TileCols - 1) / TileCols;
        // Reused from call to call: a fresh pair of large buffers per product would cost more than packing (chapter 7, section 11).
        float[] packedA = Buffer(ref packedABuffer, rowPanels * TileRows * Depth);
        float[] packedB = Buffer(ref packedBBuffer, colPanels * TileCols * Depth);
        c.Clear();
        for (int p0 = 0; p0 < k; p0 += Depth)
        {
            int depth = Math.Min(Depth, k - p0);
            PackA(a, p0, depth, packedA);
            PackB(b, p0, depth, packedB);
            // Thread t takes row panels [rowPanels·t/threads, rowPanels·(t+1)/threads); one thread runs inline.
            // Column panels outside, row panels inside: one 32 KB panel of B stays in the L1 cache while the
            // small (6 KB) panels of A stream past it.
            void Band(int t)
            {
                Span<float> tile = stackalloc float[TileRows * TileCols];
                for (int q = 0; q < colPanels; q++)
                    for (int r = rowPanels * t / threads; r < rowPanels * (t + 1) / threads; r++)
                    {
                        TileKernel.Run(depth, packedA.AsSpan(r * TileRows * Depth), packedB.AsSpan(q * TileCols * Depth), tile);
                        AddTile(tile, c, r * TileRows, q * TileCols);
                    }
            }
            if (threads == 1) Band(0);
            else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, Band);
        }
    }

    // Panel r holds, for p = p0..p0+depth, the 6 values A[6r..6r+6, p] one after the other (zeros past the last row).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(Matrix a, int p0, int depth, float[] packed)
    {
        Array.Clear(packed, 0, (a.Rows + TileRows - 1) / TileRows * TileRows * Depth);
        for (int i = 0; i < a.Rows; i++)
        {
            Span<float> panel = packed.AsSpan(i / TileRows * TileRows * Depth);
            ReadOnlySpan<float> row = a.Data.AsSpan(i * a.Cols + p0, depth);
            for (int p = 0; p < depth; p++) panel[p * TileRows + i % TileRows] = row[p];
        }
    }

    // Panel q holds, for p = p0..p0+depth, the 32 values B[p, 32q..32q+32] one after the other (zeros past the last column).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(Matrix b, int p0, int depth, float[] packed)
    {
        Array.Clear(packed, 0, (b.Cols + TileCols - 1) / TileCols * TileCols * Depth);
        for (int q = 0; q * TileCols < b.Cols; q++)
        {
            int cols = Math.Min(TileCols, b.Cols - q * TileCols);
            for (int p = 0; p < depth; p++)
                b.Data.AsSpan((p0 + p) * b.Cols + q * TileCols, cols).CopyTo(packed.AsSpan((q * Depth + p) * TileCols));
        }
    }

    // C[row0.., col0..] += tile, leaving out the padding beyond C's edges.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    private static void AddTile(ReadOnlySpan<float> tile, Matrix c, int row0, int col0)
    {
        int rows = Math.Min(TileRows, c.Rows - row0), cols = Math.Min(TileCols, c.Cols - col0);
        for (int i = 0; i < rows; i++)
        {
            Span<float> cRow = c.Data.AsSpan((row0 + i) * c.Cols + col0, cols);
            for (int j = 0; j < cols; j++) cRow[j] += tile[i * TileCols + j];
        }
    }
}

using System.Runtime.CompilerServices;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 5 of chapter 7: cache blocking with packing around the register tile of <see cref="RegisterTileGemm"/>,
/// the structure of every fast GEMM (GotoBLAS, BLIS, OpenBLAS, our own <see cref="Gemm"/>). The sum over p is
/// cut into blocks of <see cref="Depth"/>; for each block, A and B are first copied ("packed") into the exact
/// order the tile reads them, so that every load is the next 64 bytes in memory, and one 32-column panel of B
/// (depth x 32 floats) is reused by every 6-row panel of A while it is still in a fast cache.
/// </summary>
public static class PackedGemm
{
    /// <summary>Rows of C in one register tile.</summary>
    public const int TileRows = TileKernel.Rows;

    /// <summary>Columns of C in one register tile: two 512-bit vectors.</summary>
    public const int TileCols = TileKernel.Cols;

    /// <summary>The p range packed at once, unless a call says otherwise: one panel of B is then
    /// 256 x 32 floats x 4 bytes = 32 KB, and one panel of A 256 x 6 x 4 bytes = 6 KB.</summary>
    public const int Depth = 256;

    [ThreadStatic] private static float[]? packedABuffer, packedBBuffer;

    private static float[] Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new float[length];
        return buffer;
    }

    /// <summary>C = A·B on <paramref name="threads"/> threads (each takes whole row panels of A), packing
    /// <paramref name="depth"/> values of p at a time.</summary>
    public static void Multiply(Matrix a, Matrix b, Matrix c, int threads = 1, int depth = Depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        int rowPanels = (m + TileRows - 1) / TileRows, colPanels = (n + TileCols - 1) / TileCols;
        // Reused from call to call: a fresh pair of large buffers per product would cost more than packing (chapter 7, section 11).
        float[] packedA = Buffer(ref packedABuffer, rowPanels * TileRows * depth);
        float[] packedB = Buffer(ref packedBBuffer, colPanels * TileCols * depth);
        c.Clear();
        for (int p0 = 0; p0 < k; p0 += depth)
        {
            int run = Math.Min(depth, k - p0);   // the last block may be shorter
            PackA(a, p0, run, depth, packedA);
            PackB(b, p0, run, depth, packedB);
            // Thread t takes row panels [rowPanels·t/threads, rowPanels·(t+1)/threads); one thread runs inline.
            // Column panels outside, row panels inside: one panel of B (32 KB at the default depth) stays in a
            // fast cache while the small (6 KB) panels of A stream past it.
            void Band(int t)
            {
                Span<float> tile = stackalloc float[TileRows * TileCols];
                for (int q = 0; q < colPanels; q++)
                    for (int r = rowPanels * t / threads; r < rowPanels * (t + 1) / threads; r++)
                    {
                        // Packed, A[i, p] and A[i + 1, p] are neighbours, A[i, p + 1] is 6 floats on, B[p + 1, j] 32 floats on.
                        TileKernel.Run(run, ref packedA[r * TileRows * depth], 1, TileRows, ref packedB[q * TileCols * depth], TileCols, tile);
                        AddTile(tile, c, r * TileRows, q * TileCols);
                    }
            }
            if (threads == 1) Band(0);
            else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, Band);
        }
    }

    // Panel r holds, for p = p0..p0+depth, the 6 values A[6r..6r+6, p] one after the other (zeros past the last row).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(Matrix a, int p0, int depth, int panelDepth, float[] packed)
    {
        Array.Clear(packed, 0, (a.Rows + TileRows - 1) / TileRows * TileRows * panelDepth);
        for (int i = 0; i < a.Rows; i++)
        {
            Span<float> panel = packed.AsSpan(i / TileRows * TileRows * panelDepth);
            ReadOnlySpan<float> row = a.Data.AsSpan(i * a.Cols + p0, depth);
            for (int p = 0; p < depth; p++) panel[p * TileRows + i % TileRows] = row[p];
        }
    }

    // Panel q holds, for p = p0..p0+depth, the 32 values B[p, 32q..32q+32] one after the other (zeros past the last column).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(Matrix b, int p0, int depth, int panelDepth, float[] packed)
    {
        Array.Clear(packed, 0, (b.Cols + TileCols - 1) / TileCols * TileCols * panelDepth);
        for (int q = 0; q * TileCols < b.Cols; q++)
        {
            int cols = Math.Min(TileCols, b.Cols - q * TileCols);
            for (int p = 0; p < depth; p++)
                b.Data.AsSpan((p0 + p) * b.Cols + q * TileCols, cols).CopyTo(packed.AsSpan((q * panelDepth + p) * TileCols));
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

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

    /// <summary>C = A·B on <paramref name="threads"/> threads (each takes whole row panels of A).</summary>
    public static void Multiply(Matrix a, Matrix b, Matrix c, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        int rowPanels = (m + TileRows - 1) / TileRows, colPanels = (n + TileCols - 1) / TileCols;
        var packedA = new float[rowPanels * TileRows * Depth];
        var packedB = new float[colPanels * TileCols * Depth];
        c.Clear();
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        for (int p0 = 0; p0 < k; p0 += Depth)
        {
            int depth = Math.Min(Depth, k - p0);
            PackPanels(a.Data, k, m, p0, depth, TileRows, rowMajorPanels: true, packedA);
            PackPanels(b.Data, n, n, p0, depth, TileCols, rowMajorPanels: false, packedB);
            Parallel.For(0, threads, options, t =>
            {
                Span<float> tile = stackalloc float[TileRows * TileCols];
                for (int r = rowPanels * t / threads; r < rowPanels * (t + 1) / threads; r++)
                    for (int q = 0; q < colPanels; q++)
                    {
                        TileKernel.Run(depth, packedA.AsSpan(r * TileRows * Depth), packedB.AsSpan(q * TileCols * Depth), tile);
                        AddTile(tile, c, r * TileRows, q * TileCols);
                    }
            });
        }
    }

    // Copies p = p0..p0+depth of each panel of `width` rows of A (rowMajorPanels) or `width` columns of B
    // into packed[panel][p][0..width), zero-padding the last panel, so the tile kernel reads straight on.
    private static void PackPanels(float[] source, int stride, int extent, int p0, int depth, int width, bool rowMajorPanels, float[] packed)
    {
        for (int start = 0; start < extent; start += width)
        {
            Span<float> panel = packed.AsSpan(start * Depth, width * depth);
            for (int p = 0; p < depth; p++)
                for (int w = 0; w < width; w++)
                {
                    int index = start + w;   // a row of A or a column of B
                    panel[p * width + w] = index >= extent ? 0f
                        : rowMajorPanels ? source[index * stride + p0 + p]   // A[index, p0+p]
                        : source[(p0 + p) * stride + index];                  // B[p0+p, index]
                }
        }
    }

    // C[row0.., col0..] += tile, leaving out the padding beyond C's edges.
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

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>
/// Step 4 of chapter 7: a register tile. The <see cref="SimdGemm"/> loop loads and stores C for every
/// multiply-add; here a 6 x 32 tile of C stays in 12 vector registers for the whole sum over p
/// (<see cref="TileKernel"/>), reading A and B where they are. The rows and columns left over at the edges
/// (when m is not a multiple of 6 or n of 32) take the plain i-p-j loop.
/// </summary>
public static class RegisterTileGemm
{
    /// <summary>C = A·B. A is m x k, B is k x n, C is m x n (all row-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // compiled fully optimised at the first call (see KernelTimer)
    public static void Multiply(Matrix a, Matrix b, Matrix c)
    {
        TeachingShapes.Require(a, b, c);
        int m = a.Rows, k = a.Cols, n = b.Cols;
        int fullRows = m / TileKernel.Rows * TileKernel.Rows, fullCols = n / TileKernel.Cols * TileKernel.Cols;
        Array.Clear(c.Data, 0, m * n);
        Span<float> tile = stackalloc float[TileKernel.Rows * TileKernel.Cols];
        ref float a0 = ref MemoryMarshal.GetArrayDataReference(a.Data);
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(b.Data);
        for (int i = 0; i < fullRows; i += TileKernel.Rows)
            for (int j = 0; j < fullCols; j += TileKernel.Cols)
            {
                // A[i, p] is k floats below A[i - 1, p] and 1 after A[i, p - 1]; B[p, j] is n floats below B[p - 1, j].
                TileKernel.Run(k, ref Unsafe.Add(ref a0, i * k), k, 1, ref Unsafe.Add(ref b0, j), n, tile);
                for (int r = 0; r < TileKernel.Rows; r++)
                    tile.Slice(r * TileKernel.Cols, TileKernel.Cols).CopyTo(c.Data.AsSpan((i + r) * n + j));
            }
        AddPlain(a, b, c, fullRows, m, 0, n);          // the rows below the last whole tile
        AddPlain(a, b, c, 0, fullRows, fullCols, n);   // the columns right of it
    }

    // C[rows, cols] += A[rows, :]·B[:, cols] in the i-p-j order.
    private static void AddPlain(Matrix a, Matrix b, Matrix c, int rowStart, int rowEnd, int colStart, int colEnd)
    {
        int k = a.Cols, n = b.Cols;
        for (int i = rowStart; i < rowEnd; i++)
            for (int p = 0; p < k; p++)
            {
                float aip = a.Data[i * k + p];
                for (int j = colStart; j < colEnd; j++) c.Data[i * n + j] += aip * b.Data[p * n + j];
            }
    }
}

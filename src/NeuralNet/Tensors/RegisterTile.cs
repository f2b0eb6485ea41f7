using System.Runtime.CompilerServices;

namespace NeuralNet.Tensors;

/// <summary>
/// The register tile of the kernels that are matrix products at heart — <see cref="GemmKernel"/>'s micro-kernel
/// and <see cref="DirectConvolution"/>'s output and filter-gradient tiles: up to 8 rows x 2 vectors of
/// accumulators, and the one update all of them make at every step, the outer product of a column (one value
/// per row, broadcast) and a row of two vectors.
/// </summary>
/// <remarks>
/// The kernels keep the tile in a local, and every method here is inlined, so the JIT keeps the 16
/// accumulators in registers (AVX-512 has 32) exactly as it did with 16 separate locals. The row count is a
/// constant at every call site (it depends only on the vector width), so the unused rows compile away.
/// </remarks>
internal unsafe struct RegisterTile<V> where V : unmanaged, ILanes<V>
{
    public V C00, C01, C10, C11, C20, C21, C30, C31, C40, C41, C50, C51, C60, C61, C70, C71;

    /// <summary>
    /// C[r, 0..2V) += *a_r · (b0, b1) for the first <paramref name="rows"/> rows (4, 6 or 8). The row values
    /// come as pointers, read here, so that each becomes one broadcast from memory (the JIT folds the load):
    /// passed as float values they were loaded and then broadcast from registers, twice the instructions,
    /// and the kernels lost 10–35%.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddOuterProduct(int rows, V b0, V b1, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, float* a6, float* a7)
    {
        V av = V.Create(*a0);
        V.MultiplyAddTo(ref C00, av, b0); V.MultiplyAddTo(ref C01, av, b1);
        av = V.Create(*a1);
        V.MultiplyAddTo(ref C10, av, b0); V.MultiplyAddTo(ref C11, av, b1);
        av = V.Create(*a2);
        V.MultiplyAddTo(ref C20, av, b0); V.MultiplyAddTo(ref C21, av, b1);
        av = V.Create(*a3);
        V.MultiplyAddTo(ref C30, av, b0); V.MultiplyAddTo(ref C31, av, b1);
        if (rows > 4)
        {
            av = V.Create(*a4);
            V.MultiplyAddTo(ref C40, av, b0); V.MultiplyAddTo(ref C41, av, b1);
            av = V.Create(*a5);
            V.MultiplyAddTo(ref C50, av, b0); V.MultiplyAddTo(ref C51, av, b1);
        }
        if (rows > 6)
        {
            av = V.Create(*a6);
            V.MultiplyAddTo(ref C60, av, b0); V.MultiplyAddTo(ref C61, av, b1);
            av = V.Create(*a7);
            V.MultiplyAddTo(ref C70, av, b0); V.MultiplyAddTo(ref C71, av, b1);
        }
    }

    /// <summary>The same with the column's values side by side at <paramref name="a"/> (a packed panel); rows past <paramref name="rows"/> are not read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddOuterProduct(int rows, V b0, V b1, float* a) =>
        AddOuterProduct(rows, b0, b1, a, a + 1, a + 2, a + 3, a + 4, a + 5, a + 6, a + 7);

    /// <summary>The tile from <paramref name="rows"/> rows of C (row r at c + r·ldc, two vectors each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Load(float* c, int ldc, int rows)
    {
        int w = V.Count;
        C00 = V.Load(c); C01 = V.Load(c + w); C10 = V.Load(c + ldc); C11 = V.Load(c + ldc + w);
        C20 = V.Load(c + 2 * ldc); C21 = V.Load(c + 2 * ldc + w); C30 = V.Load(c + 3 * ldc); C31 = V.Load(c + 3 * ldc + w);
        if (rows > 4)
        {
            C40 = V.Load(c + 4 * ldc); C41 = V.Load(c + 4 * ldc + w); C50 = V.Load(c + 5 * ldc); C51 = V.Load(c + 5 * ldc + w);
        }
        if (rows > 6)
        {
            C60 = V.Load(c + 6 * ldc); C61 = V.Load(c + 6 * ldc + w); C70 = V.Load(c + 7 * ldc); C71 = V.Load(c + 7 * ldc + w);
        }
    }

    /// <summary>Writes the tile's first <paramref name="rows"/> rows to C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(float* c, int ldc, int rows)
    {
        int w = V.Count;
        C00.Store(c); C01.Store(c + w); C10.Store(c + ldc); C11.Store(c + ldc + w);
        C20.Store(c + 2 * ldc); C21.Store(c + 2 * ldc + w); C30.Store(c + 3 * ldc); C31.Store(c + 3 * ldc + w);
        if (rows > 4)
        {
            C40.Store(c + 4 * ldc); C41.Store(c + 4 * ldc + w); C50.Store(c + 5 * ldc); C51.Store(c + 5 * ldc + w);
        }
        if (rows > 6)
        {
            C60.Store(c + 6 * ldc); C61.Store(c + 6 * ldc + w); C70.Store(c + 7 * ldc); C71.Store(c + 7 * ldc + w);
        }
    }
}

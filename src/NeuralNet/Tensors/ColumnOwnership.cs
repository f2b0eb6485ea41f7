using System.Runtime.CompilerServices;

namespace NeuralNet.Tensors;

/// <summary>
/// One fixed split of a matrix's columns between the kernel threads ("owner computes"): thread part p owns
/// columns <see cref="Range"/>(p) of a large weight matrix W, and of everything shaped like it or its output —
/// dW, Adam's moments m and v, and Z = X·W. The forward product, the weight-gradient product and Adam all use
/// this split, so each part of W and its state is written and read by the same thread every step.
/// </summary>
/// <remarks>
/// <para>Why: on the 2-core test machine a value last written by the other core costs several times an L2 read.
/// With a different split in each kernel (the forward product by batch rows, dW and Adam by W's rows), most of
/// W₁, dW₁, m and v crossed between the cores every step, and two threads were no faster than one.</para>
/// <para>The same bits on any thread count: a product split by output columns computes each element of C with
/// the same sums in the same order, and Adam works element by element. (Splitting by the inputs, the summation
/// index, would change the sums.)</para>
/// <para>Boundaries are multiples of <see cref="Align"/> columns, a multiple of every micro-kernel tile width
/// (32, 16, 8) and of a 64-byte cache line, whatever the vector width. That keeps the two parts of a row on
/// different cache lines only if the row starts on a line: the matrices so split are allocated by
/// <see cref="CacheAligned"/>. (Without it, one line of every row of W, dW, m and v held values of both parts,
/// and both cores writing it made Adam 8 times slower on two threads than on one.)</para>
/// </remarks>
internal static class ColumnOwnership
{
    /// <summary>Columns per unit of the split: 32 floats, 128 bytes.</summary>
    public const int Align = 32;

    /// <summary>How many parts a matrix of <paramref name="columns"/> columns is split into on <paramref name="threads"/> threads.</summary>
    public static int PartsFor(int columns, int threads) => Math.Max(1, Math.Min(threads, (columns + Align - 1) / Align));

    /// <summary>
    /// A zero-filled array whose first value starts a 64-byte cache line, pinned so that it stays there: rows of a
    /// multiple of 16 floats then all start lines, and a split at a multiple of 16 columns never shares a line.
    /// </summary>
    /// <remarks>.NET aligns arrays to 8 bytes only and has no aligned allocation, so this asks for pinned arrays
    /// until one lands on a line (consecutive allocations move by the array's size plus its header, which walks
    /// through the eight 8-byte phases of a line), keeping the misses alive meanwhile. After 16 misses it returns
    /// an unaligned array: slower on two threads, the same results.</remarks>
    public static float[] CacheAligned(int length)
    {
        var misses = new List<float[]>();
        for (int attempt = 0; attempt < 16; attempt++)
        {
            float[] array = GC.AllocateArray<float>(length, pinned: true);
            if (length == 0 || IsCacheAligned(array)) return array;
            misses.Add(array);
            if (attempt % 4 == 3) misses.Add(GC.AllocateArray<float>(2 * attempt + 2, pinned: true)); // vary the step
        }
        return GC.AllocateArray<float>(length, pinned: true);
    }

    /// <summary>Whether the array's first value starts a 64-byte cache line.</summary>
    public static unsafe bool IsCacheAligned(float[] array) => ((nint)Unsafe.AsPointer(ref array[0]) & 63) == 0;

    /// <summary>The columns [Start, End) that part <paramref name="part"/> of <paramref name="parts"/> owns.</summary>
    public static (int Start, int End) Range(int columns, int part, int parts)
    {
        int units = (columns + Align - 1) / Align;
        int start = Align * (int)((long)units * part / parts), end = Align * (int)((long)units * (part + 1) / parts);
        return (Math.Min(start, columns), Math.Min(end, columns));
    }
}

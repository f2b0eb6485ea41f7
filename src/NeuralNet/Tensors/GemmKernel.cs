using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using NeuralNet.Engine;

namespace NeuralNet.Tensors;

/// <summary>
/// The fast matrix-product kernel behind <see cref="Gemm"/>: row-major C (m x n) = op(A)·op(B) (+ C) (+ bias row).
/// </summary>
/// <remarks>
/// <para>The classic recipe (Goto, BLIS), in four moves:</para>
/// <list type="number">
/// <item>Cut the product into blocks that fit the caches: KC values of the inner dimension at a time, MC rows
/// of op(A) (kept in L2), NC columns of op(B).</item>
/// <item>Copy ("pack") each block into the exact order the micro-kernel reads it: op(A) in panels of MR rows
/// stored column by column, op(B) in strips of NR columns stored row by row, zero-padded at the edges.
/// This is also where a transpose is absorbed: packing reads A or B in whichever order the flag says.</item>
/// <item>The micro-kernel keeps an MR x NR tile of C in registers (8 x 32 floats = 16 AVX-512 registers) and
/// for each p adds the outer product of an A column (8 broadcast values) and a B row (two vectors) with
/// fused multiply-adds: 16 FMAs for 10 loads.</item>
/// <item>Skip the zeros: while packing, each A panel gets the list of its columns p that hold a value other
/// than zero (an MNIST batch is about four fifths blank pixels; a ReLU's output and its masked gradient about half
/// zeros), and the micro-kernel adds only those outer products. Adding 0·b changes no sum (acc + 0 = acc, and an
/// accumulator that starts from zero or a bias never holds −0), so the result has the same bits as the full product
/// whenever B is finite; only 0·∞ = NaN is lost, which the dense product would have spread (and a −0 already in a C
/// that is accumulated into may stay −0).</item>
/// <item>Split the output between threads by whole tiles (rows or columns, whichever duplicates less
/// packing), or, for a dense layer's forward product on two threads, split each sum in two and pass row panels
/// from one core to the other (<see cref="ProductSplit.InnerPipeline"/>). Every element of C is one chain of
/// multiply-adds in the order of p, whatever the thread count, so results are bit-identical run to run.</item>
/// </list>
/// <para>The vector width is picked by what the hardware accelerates: 16-float vectors (8x32 tiles), 8-float
/// (6x16) or 4-float (6x8), all from one generic micro-kernel (<see cref="ILanes{TSelf}"/>), else the scalar
/// loop in <see cref="RunScalar"/>.</para>
/// </remarks>
internal static unsafe class GemmKernel
{
    /// <summary>The widest path this machine accelerates.</summary>
    internal static Isa Best => SimdPath.Best;

    // Cache blocking: KC values of the inner dimension (an A panel of MR x KC and a B strip of KC x NR stay in
    // L1), MC rows of A per packed block (L2), NC columns of B per packed block.
    private const int KC = 320;
    private const int DirectKC = 128;
    private const int MC = 192;  // a multiple of every MR (8 and 6)
    private const int NC = 1024; // a multiple of every NR (32, 16, 8)
    private const int PanelsPerBlock = MC / 6; // the most A panels in a packed block (MR = 6 at the narrowest)

    // Plain B up to this many columns is read in place rather than packed.
    private const int DirectBMaxColumns = 512;
    private const int DirectBMaxRows = 128;
    private const int DirectBMaxFloats = 8 * 1024;

    // Below this many multiply-adds a product stays on the calling thread: handing half of it to a
    // spinning worker costs a few microseconds of synchronisation. Measured with the benchmark's `cut`
    // command on the 2-core machine: two threads lose below 40³, break even near 48³ (110k) and gain
    // 1.26x at 64³ (262k), 1.6–1.7x from 96³ on.
    private const long ParallelThreshold = 128 * 1024;

    /// <summary>C = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/> is true.</summary>
    public static void Run(bool transposeA, bool transposeB, int m, int n, int k,
        float[] a, float[] b, float[] c, bool accumulate) =>
        Run(transposeA, transposeB, m, n, k, a, b, c, accumulate, default);

    /// <summary>
    /// C = op(A)·op(B) + bias (a row of n values added to every row; empty for none), or C += ... when
    /// <paramref name="accumulate"/> is true. The bias is the first thing added, so the fused epilogue of a
    /// dense layer costs nothing extra.
    /// </summary>
    public static void Run(bool transposeA, bool transposeB, int m, int n, int k,
        float[] a, float[] b, float[] c, bool accumulate, ReadOnlySpan<float> bias) =>
        Run(transposeA, transposeB, m, n, k, a, b, c, accumulate, bias, relu: false, positiveWhere: null);

    /// <summary>
    /// As above, and while each finished tile is still in registers, on the thread that computed it:
    /// with <paramref name="relu"/> each element of C is replaced by max(C, 0) (a NaN stays NaN, as in
    /// <see cref="VectorKernels.ReluForward"/>): a dense layer followed by ReLU in one pass;
    /// with <paramref name="positiveWhere"/> (m x n) C is kept where that matrix is &gt; 0 and zeroed elsewhere
    /// (as <see cref="VectorKernels.ReluBackward"/>): a dense layer's input gradient times ReLU's derivative.
    /// </summary>
    public static void Run(bool transposeA, bool transposeB, int m, int n, int k,
        float[] a, float[] b, float[] c, bool accumulate, ReadOnlySpan<float> bias, bool relu, float[]? positiveWhere = null,
        ProductSplit split = ProductSplit.Cheapest)
    {
        if (m == 0 || n == 0) return;
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"The bias needs {n} values but has {bias.Length}.", nameof(bias));
        if ((long)m * k > a.Length || (long)k * n > b.Length || (long)m * n > c.Length || (long)m * n > (positiveWhere?.Length ?? long.MaxValue))
            throw new ArgumentException($"Arrays too short for a {m}x{k} by {k}x{n} product.");

        Isa isa = SimdPath.Current;
        if (isa == Isa.Scalar || k == 0)
        {
            RunScalar(transposeA, transposeB, m, n, k, a, b, c.AsSpan(0, m * n), accumulate, bias);
            if (relu) VectorKernels.ReluForward(c.AsSpan(0, m * n), c.AsSpan(0, m * n));
            if (positiveWhere != null) VectorKernels.ReluBackward(positiveWhere.AsSpan(0, m * n), c.AsSpan(0, m * n), c.AsSpan(0, m * n));
            return;
        }

        (int mr, int nr) = TileOf(isa);
        fixed (float* aPtr = a, bPtr = b, cPtr = c, biasPtr = bias, gatePtr = positiveWhere)
        {
            var job = new Job
            {
                Isa = isa, MR = mr, NR = nr, M = m, N = n, K = k, Split = split, SkipsZeros = ComputeContext.Current.SkipsZeros,
                TransposeA = transposeA, TransposeB = transposeB, Accumulate = accumulate, Relu = relu,
                A = aPtr, B = bPtr, C = cPtr, Bias = bias.IsEmpty ? null : biasPtr, Gate = gatePtr,
            };
            // A plain B can be read in place: its strips are already row-major runs of NR floats. That saves
            // copying k x n floats, which pays when few row panels share each strip (small m) or when all of
            // B fits in L1; otherwise the strided rows (a 512-byte stride for n = 128 maps them onto a few L1
            // sets) fall out of L1 between panels, and the packed contiguous copy is faster.
            job.DirectB = !transposeB && n <= DirectBMaxColumns && (m <= DirectBMaxRows || (long)k * n <= DirectBMaxFloats);
            PlanThreads(ref job);
            int panelsDone = 0;
            job.PanelsDone = &panelsDone;
            if (job.Parts == 1) Compute(ref job, 0, m, 0, n);
            else if (job.Pipeline) WorkerPool.Run(2, &RunPipelineHalf, &job);
            else WorkerPool.Run(job.Parts, &RunPart, &job);
        }
    }

    /// <summary>
    /// The scalar path: C[i,:] += A[i,p]·B[p,:] for p in order, in single precision. It is the code to read
    /// first; the vector paths compute the same sums in blocks.
    /// </summary>
    internal static void RunScalar(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate, ReadOnlySpan<float> bias)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> cRow = c.Slice(i * n, n);
            if (!accumulate) cRow.Clear();
            if (!bias.IsEmpty)
                for (int j = 0; j < n; j++) cRow[j] += bias[j];
            for (int p = 0; p < k; p++)
            {
                float aValue = transposeA ? a[p * m + i] : a[i * k + p];
                for (int j = 0; j < n; j++)
                    cRow[j] += aValue * (transposeB ? b[j * k + p] : b[p * n + j]);
            }
        }
    }

    private struct Job
    {
        public Isa Isa;
        public int MR, NR, M, N, K;
        public bool TransposeA, TransposeB, Accumulate, Relu;
        public float* A, B, C, Bias;
        public float* Gate; // C is kept where Gate > 0 (same layout as C), or null
        public int Parts;
        public ProductSplit Split;
        public bool SplitColumns;
        public bool Pipeline;    // ProductSplit.InnerPipeline in force
        public bool PrepackedB;  // the pipeline's halves pack all their rows of B before their first panel
        public bool SkipsZeros;  // list the nonzero columns of each A panel (else every column runs)
        public int* PanelsDone;  // the pipeline's first half: row panels finished so far
        public bool DirectB; // full strips of a plain B are read in place (ldb = n) instead of packed
    }

    // Decides how many threads to use and whether they split the columns or the rows of C.
    private static void PlanThreads(ref Job job)
    {
        long work = (long)job.M * job.N * job.K;
        ComputeContext context = ComputeContext.Current;
        int threads = context.ProductParts ?? (work < ParallelThreshold ? 1 : context.ThreadCount);
        int rowTiles = (job.M + job.MR - 1) / job.MR, columnTiles = (job.N + job.NR - 1) / job.NR;
        // Splitting the columns makes every thread pack all of A (m x k); splitting the rows, all of B (k x n),
        // unless B is read in place. Split the way that duplicates less copying.
        long packA = (long)job.M * job.K, packB = job.DirectB ? 0 : (long)job.K * job.N;
        job.SplitColumns = columnTiles >= threads && (packB > packA || rowTiles < threads);
        job.Parts = Math.Max(1, Math.Min(threads, job.SplitColumns ? columnTiles : rowTiles));
        // The inner pipeline needs two threads, plain B (read in place) and a few row panels to pass along.
        job.Pipeline = job.Split == ProductSplit.InnerPipeline && threads == 2 && !job.TransposeB && !job.Accumulate
            && rowTiles >= 4 && job.K >= 2 * DirectKC && job.Parts == 2;
        if (job.Pipeline)
        {
            // Each half runs its row panels one by one: B is packed once per half, when its rows fit the buffer,
            // else read in place.
            job.SplitColumns = false;
            job.PrepackedB = !job.DirectB && job.N <= NC && (long)(job.K - InnerSplit(job.K, job.MR)) * ((job.N + job.NR - 1) / job.NR * job.NR) <= (long)KC * NC;
            job.DirectB = !job.PrepackedB;
        }
    }

    // The inner pipeline (ProductSplit.InnerPipeline): half 0 sums p < split for one row panel after another and
    // counts them done; half 1 continues each finished panel's sums over p ≥ split and applies the epilogue. Each C
    // element is the one chain of multiply-adds in the order of p that one thread would compute, so the bits are
    // the same; each half reads only its own rows of B (a dense layer's W) and its own columns of A.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPipelineHalf(int half, void* state)
    {
        ref Job job = ref Unsafe.AsRef<Job>(state);
        int split = InnerSplit(job.K, job.MR), panels = (job.M + job.MR - 1) / job.MR;
        (int k0, int k1) = half == 0 ? (0, split) : (split, job.K);
        if (job.PrepackedB)
        {
            Scratch s = scratch ??= new Scratch();
            int kcStep = KBlockLength(k1 - k0, direct: false), paddedColumns = (job.N + job.NR - 1) / job.NR * job.NR;
            for (int pc = k0; pc < k1; pc += kcStep)
                PackB(ref job, pc, Math.Min(kcStep, k1 - pc), 0, job.N, s.PackedB + (pc - k0) * paddedColumns);
        }
        for (int panel = 0; panel < panels; panel++)
        {
            int i0 = panel * job.MR, i1 = Math.Min(job.M, i0 + job.MR);
            if (half == 0)
            {
                Compute(ref job, i0, i1, 0, job.N, k0, k1);
                Volatile.Write(ref *job.PanelsDone, panel + 1);
                continue;
            }
            // Half 1 on its own thread waits for the panel (with one thread, half 0 has run to the end first).
            var spinner = new SpinWait();
            while (Volatile.Read(ref *job.PanelsDone) <= panel) spinner.SpinOnce(sleep1Threshold: -1);
            Compute(ref job, i0, i1, 0, job.N, k0, k1);
        }
    }

    // The length of the k blocks a run of `length` values of p is cut into: equal blocks (784 = 3 x 262 rather than
    // 320 + 320 + 144). B read in place keeps its strip in L1 only if the strip is short: its rows are n floats
    // apart, so they share few L1 sets (n = 128: 16 sets, 192 lines, about 96 rows of a 32-float strip).
    private static int KBlockLength(int length, bool direct)
    {
        int kcMax = direct ? DirectKC : KC;
        int blocks = (length + kcMax - 1) / kcMax;
        return blocks == 0 ? 1 : (length + blocks - 1) / blocks;
    }

    /// <summary>
    /// Where the inner pipeline cuts the inner dimension k: half of it in whole tiles of <paramref name="tileRows"/>, the
    /// same place a product of k output rows split between two threads cuts (a dense layer's dW, and the optimiser's
    /// two halves of W), so that each core keeps its half of W.
    /// </summary>
    internal static int InnerSplit(int k, int tileRows) => (k + tileRows - 1) / tileRows / 2 * tileRows;

    /// <summary>The micro-kernel's rows MR on the current vector path: the unit <see cref="InnerSplit"/> cuts in.</summary>
    internal static int TileRows => TileOf(SimdPath.Current == Isa.Scalar ? Isa.Vector128 : SimdPath.Current).MR;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart(int part, void* state)
    {
        ref Job job = ref Unsafe.AsRef<Job>(state);
        int tiles = job.SplitColumns ? (job.N + job.NR - 1) / job.NR : (job.M + job.MR - 1) / job.MR;
        int first = (int)((long)tiles * part / job.Parts), last = (int)((long)tiles * (part + 1) / job.Parts);
        if (first == last) return;
        if (job.SplitColumns) Compute(ref job, 0, job.M, first * job.NR, Math.Min(job.N, last * job.NR));
        else Compute(ref job, first * job.MR, Math.Min(job.M, last * job.MR), 0, job.N);
    }

    [ThreadStatic] private static Scratch? scratch;

    // Per-thread packing buffers, 64-byte aligned, allocated once per thread.
    private sealed class Scratch
    {
        private readonly float[] a = GC.AllocateUninitializedArray<float>(MC * KC + 32, pinned: true);
        private readonly int[] columns = GC.AllocateUninitializedArray<int>(PanelsPerBlock * KC + PanelsPerBlock, pinned: true);
        private readonly float[] b = GC.AllocateUninitializedArray<float>(KC * NC + 16, pinned: true);
        private readonly float[] tile = GC.AllocateUninitializedArray<float>(8 * 32 + 16, pinned: true);
        public float* PackedA => Align(a);
        public float* PackedB => Align(b);
        public float* Tile => Align(tile);
        /// <summary>Per A panel of a packed block: its count of nonzero columns, then their indices p (KC slots).</summary>
        public int* Columns => (int*)Unsafe.AsPointer(ref columns[0]);
        private static float* Align(float[] array)
        {
            float* p = (float*)Unsafe.AsPointer(ref array[0]);
            return (float*)(((nint)p + 63) & ~(nint)63);
        }
    }

    // The blocked loops over the part [i0, i1) x [j0, j1) of C. (AggressiveOptimization: hot loops jitted
    // optimised at once, rather than starting in unoptimised tier-0 code and hopping in mid-loop.)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute(ref Job job, int i0, int i1, int j0, int j1) => Compute(ref job, i0, i1, j0, j1, 0, job.K);

    // The same over the inner range [k0, k1) only: C (+)= the partial sums from p = k0 on, which continue the sums
    // C already holds when k0 > 0 (a store and a reload are exact, so where the sums are cut changes no bit).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute(ref Job job, int i0, int i1, int j0, int j1, int k0, int k1)
    {
        Scratch s = scratch ??= new Scratch();
        float* packedA = s.PackedA, packedB = s.PackedB, tile = s.Tile;
        int* nonzero = s.Columns;
        int mr = job.MR, nr = job.NR, n = job.N, k = job.K;
        int kcStep = KBlockLength(k1 - k0, job.DirectB);
        int paddedColumns = (n + nr - 1) / nr * nr;

        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            for (int pc = k0; pc < k1; pc += kcStep)
            {
                int kc = Math.Min(kcStep, k1 - pc);
                bool loadC = job.Accumulate || pc > 0;
                float* bias = pc == 0 && job.Bias != null ? job.Bias + jc : null;
                bool last = pc + kc == k; // the epilogue runs once the sums are complete
                bool relu = job.Relu && last;
                // (The pipeline's halves pack their rows of B once, block after block, before their first panel.)
                float* packedBlock = job.PrepackedB ? packedB + (pc - k0) * paddedColumns : packedB;
                if (!job.PrepackedB) PackB(ref job, pc, kc, jc, nc, packedB);
                for (int ic = i0; ic < i1; ic += MC)
                {
                    int mc = Math.Min(MC, i1 - ic);
                    PackA(ref job, ic, mc, pc, kc, packedA, nonzero);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        bool direct = job.DirectB && cols == nr;
                        float* bStrip = direct ? job.B + (long)pc * n + jc + jr : packedBlock + jr * kc;
                        int ldb = direct ? n : nr;
                        float* stripBias = bias == null ? null : bias + jr;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aPanel = packedA + ir * kc;
                            int* columns = nonzero + ir / mr * (KC + 1);
                            long offset = (long)(ic + ir) * n + jc + jr;
                            float* cTile = job.C + offset, gate = last && job.Gate != null ? job.Gate + offset : null;
                            if (rows == mr && cols == nr)
                            {
                                Micro(job.Isa, kc, aPanel, columns, bStrip, ldb, cTile, n, loadC, stripBias, relu, gate);
                                continue;
                            }
                            // An edge tile: run the full kernel on a zero-padded copy, then keep the valid part.
                            EdgeTile(ref job, kc, aPanel, columns, bStrip, ldb, cTile, rows, cols, loadC, stripBias, relu, gate, tile);
                        }
                    }
                }
            }
        }
    }

    // The same sums as a full tile, started from the same values (C and/or the bias), so an element's result
    // does not depend on whether it sits in an edge tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile(ref Job job, int kc, float* aPanel, int* columns, float* bStrip, int ldb, float* cTile,
        int rows, int cols, bool loadC, float* bias, bool relu, float* gate, float* tile)
    {
        int mr = job.MR, nr = job.NR, n = job.N;
        new Span<float>(tile, mr * nr).Clear();
        for (int r = 0; r < rows; r++)
        {
            var tileRow = new Span<float>(tile + r * nr, cols);
            if (loadC) new ReadOnlySpan<float>(cTile + (long)r * n, cols).CopyTo(tileRow);
            if (bias != null) VectorKernels.Add(new ReadOnlySpan<float>(bias, cols), tileRow);
        }
        Micro(job.Isa, kc, aPanel, columns, bStrip, ldb, tile, nr, loadC: true, bias: null, relu, gate: null);
        for (int r = 0; r < rows; r++)
        {
            var tileRow = new ReadOnlySpan<float>(tile + r * nr, cols);
            var cRow = new Span<float>(cTile + (long)r * n, cols);
            if (gate == null) tileRow.CopyTo(cRow);
            else VectorKernels.ReluBackward(new ReadOnlySpan<float>(gate + (long)r * n, cols), tileRow, cRow);
        }
    }

    // Packs op(A)[ic..ic+mc, pc..pc+kc] as panels of MR rows; panel q holds, for each p, its MR values, and
    // nonzero[q·(KC+1)] the count of its columns that are not all zero, followed by their indices p in order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(ref Job job, int ic, int mc, int pc, int kc, float* dst, int* nonzero)
    {
        PackPanels(ref job, ic, mc, pc, kc, dst);
        for (int ir = 0, q = 0; ir < mc; ir += job.MR, q++)
        {
            int* list = nonzero + q * (KC + 1);
            if (job.SkipsZeros) ListNonzeroColumns(dst + ir * kc, job.MR, kc, list);
            else list[0] = kc; // every column: the dense loop
        }
    }

    // list[0] = how many of the panel's kc columns (MR values each) hold a value other than ±0; list[1..] = their p.
    // A NaN is not zero, so it is never skipped.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ListNonzeroColumns(float* panel, int mr, int kc, int* list)
    {
        int count = 0;
        int* indices = list + 1;
        if (Vector256.IsHardwareAccelerated)
        {
            // One 8-float compare per column; lanes past MR (the next column's values) are ignored.
            uint rowMask = (1u << mr) - 1;
            for (int p = 0; p < kc; p++)
            {
                uint zeros = Vector256.Equals(Vector256.Load(panel + p * mr), Vector256<float>.Zero).ExtractMostSignificantBits();
                indices[count] = p;
                count += (~zeros & rowMask) != 0 ? 1 : 0; // branch-free: the slot is overwritten unless kept
            }
        }
        else
        {
            for (int p = 0; p < kc; p++)
            {
                bool any = false;
                for (int r = 0; r < mr; r++) any |= panel[p * mr + r] != 0;
                if (any) indices[count++] = p;
            }
        }
        list[0] = count;
    }

    // Copies op(A)[ic..ic+mc, pc..pc+kc] into panels of MR rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanels(ref Job job, int ic, int mc, int pc, int kc, float* dst)
    {
        int mr = job.MR, m = job.M, k = job.K;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + ir * kc;
            if (job.TransposeA)
            {
                // op(A)[i, p] = A[p, i]: the MR values for one p are adjacent in memory.
                float* src = job.A + (long)pc * m + ic + ir;
                if (rows == 8 && mr == 8)
                {
                    for (int p = 0; p < kc; p++, src += m)
                        Vector256.Store(Vector256.Load(src), panel + p * 8);
                }
                else
                {
                    new Span<float>(panel, mr * kc).Clear();
                    for (int p = 0; p < kc; p++, src += m)
                        new ReadOnlySpan<float>(src, rows).CopyTo(new Span<float>(panel + p * mr, rows));
                }
            }
            else
            {
                // op(A)[i, p] = A[i, p]: each row is contiguous; interleave MR of them.
                float* src = job.A + (long)(ic + ir) * k + pc;
                if (rows == 8 && mr == 8 && Avx.IsSupported)
                {
                    int p = 0;
                    for (; p + 8 <= kc; p += 8)
                        Transpose8x8(src + p, k, panel + p * 8);
                    for (; p < kc; p++)
                        for (int r = 0; r < 8; r++)
                            panel[p * 8 + r] = src[(long)r * k + p];
                }
                else
                {
                    if (rows < mr) new Span<float>(panel, mr * kc).Clear();
                    for (int r = 0; r < rows; r++)
                    {
                        float* row = src + (long)r * k;
                        for (int p = 0; p < kc; p++) panel[p * mr + r] = row[p];
                    }
                }
            }
        }
    }

    // Packs op(B)[pc..pc+kc, jc..jc+nc] as strips of NR columns; strip q holds, for each p, its NR values.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(ref Job job, int pc, int kc, int jc, int nc, float* dst)
    {
        int nr = job.NR, n = job.N, k = job.K;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* strip = dst + jr * kc;
            if (!job.TransposeB)
            {
                // op(B)[p, j] = B[p, j]: each strip row is a contiguous run of a B row.
                float* src = job.B + (long)pc * n + jc + jr;
                if (cols == nr && job.DirectB) continue; // read in place by the micro-kernel
                if (cols == nr && nr == 32)
                {
                    for (int p = 0; p < kc; p++, src += n)
                    {
                        Vector512.Load(src).Store(strip + p * 32);
                        Vector512.Load(src + 16).Store(strip + p * 32 + 16);
                    }
                }
                else if (cols == nr)
                {
                    for (int p = 0; p < kc; p++, src += n)
                        new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(strip + p * nr, nr));
                }
                else
                {
                    new Span<float>(strip, nr * kc).Clear();
                    for (int p = 0; p < kc; p++, src += n)
                        new ReadOnlySpan<float>(src, cols).CopyTo(new Span<float>(strip + p * nr, cols));
                }
            }
            else
            {
                // op(B)[p, j] = B[j, p]: column j of op(B) is row j of B; interleave NR of them.
                float* src = job.B + (long)(jc + jr) * k + pc;
                if (cols == nr && nr % 8 == 0 && Avx.IsSupported)
                {
                    for (int c8 = 0; c8 < nr; c8 += 8)
                    {
                        float* rows = src + (long)c8 * k;
                        int p = 0;
                        for (; p + 8 <= kc; p += 8)
                            Transpose8x8(rows + p, k, strip + p * nr + c8, nr);
                        for (; p < kc; p++)
                            for (int cc = 0; cc < 8; cc++)
                                strip[p * nr + c8 + cc] = rows[(long)cc * k + p];
                    }
                }
                else
                {
                    if (cols < nr) new Span<float>(strip, nr * kc).Clear();
                    for (int cc = 0; cc < cols; cc++)
                    {
                        float* row = src + (long)cc * k;
                        for (int p = 0; p < kc; p++) strip[p * nr + cc] = row[p];
                    }
                }
            }
        }
    }

    // dst[c * dstStride + r] = src[r * srcStride + c] for an 8 x 8 block, in registers (AVX). Also used by
    // DirectConvolution to lay dY out for the filter gradient.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* src, long srcStride, float* dst, int dstStride = 8)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + srcStride),
            r2 = Avx.LoadVector256(src + 2 * srcStride), r3 = Avx.LoadVector256(src + 3 * srcStride),
            r4 = Avx.LoadVector256(src + 4 * srcStride), r5 = Avx.LoadVector256(src + 5 * srcStride),
            r6 = Avx.LoadVector256(src + 6 * srcStride), r7 = Avx.LoadVector256(src + 7 * srcStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1),
            t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3),
            t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5),
            t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE),
            u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE),
            u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE),
            u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Micro(Isa isa, int kc, float* a, int* columns, float* b, int ldb, float* c, int ldc, bool loadC, float* bias, bool relu, float* gate)
    {
        if (isa == Isa.Vector512) Micro<Lanes16>(kc, a, columns, b, ldb, c, ldc, loadC, bias, relu, gate);
        else if (isa == Isa.Vector256) Micro<Lanes8>(kc, a, columns, b, ldb, c, ldc, loadC, bias, relu, gate);
        else Micro<Lanes4>(kc, a, columns, b, ldb, c, ldc, loadC, bias, relu, gate);
    }

    /// <summary>The micro-kernel's tile: MR rows by NR = 2 vectors of columns.</summary>
    private static (int MR, int NR) TileOf(Isa isa) => isa switch
    {
        Isa.Vector512 => (MicroRows<Lanes16>(), 2 * Lanes16.Count),
        Isa.Vector256 => (MicroRows<Lanes8>(), 2 * Lanes8.Count),
        _ => (MicroRows<Lanes4>(), 2 * Lanes4.Count),
    };

    // 8 rows with 16-float vectors (16 accumulators of AVX-512's 32 registers), 6 with narrower ones (12
    // accumulators of the 16 AVX or SSE registers, leaving room for the two B vectors and the broadcast A value).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MicroRows<V>() where V : unmanaged, ILanes<V> => V.Count == 16 ? 8 : 6;

    // C[MR x 2V] (+)= Σₚ a[p·MR + r] · b[p·ldb + j], the tile of C held in registers throughout (a
    // RegisterTile, shared with DirectConvolution): for each p, the outer product of an A column (MR broadcast
    // values) and a B row (two vectors), 2·MR fused multiply-adds for MR + 2 loads. Written once for every width V; rows 6 and 7 exist only where MR is 8 (V.Count is a
    // constant to the JIT, so the other widths compile without them).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro<V>(int kc, float* a, int* columns, float* b, int ldb, float* c, int ldc, bool loadC, float* bias, bool relu, float* gate)
        where V : unmanaged, ILanes<V>
    {
        int w = V.Count, mr = MicroRows<V>();
        bool eightRows = mr == 8;
        float* bias1 = bias == null ? null : bias + w;
        RegisterTile<V> t = default;
        t.C00 = Start<V>(c, loadC, bias); t.C01 = Start<V>(c + w, loadC, bias1);
        t.C10 = Start<V>(c + ldc, loadC, bias); t.C11 = Start<V>(c + ldc + w, loadC, bias1);
        t.C20 = Start<V>(c + 2 * ldc, loadC, bias); t.C21 = Start<V>(c + 2 * ldc + w, loadC, bias1);
        t.C30 = Start<V>(c + 3 * ldc, loadC, bias); t.C31 = Start<V>(c + 3 * ldc + w, loadC, bias1);
        t.C40 = Start<V>(c + 4 * ldc, loadC, bias); t.C41 = Start<V>(c + 4 * ldc + w, loadC, bias1);
        t.C50 = Start<V>(c + 5 * ldc, loadC, bias); t.C51 = Start<V>(c + 5 * ldc + w, loadC, bias1);
        if (eightRows)
        {
            t.C60 = Start<V>(c + 6 * ldc, loadC, bias); t.C61 = Start<V>(c + 6 * ldc + w, loadC, bias1);
            t.C70 = Start<V>(c + 7 * ldc, loadC, bias); t.C71 = Start<V>(c + 7 * ldc + w, loadC, bias1);
        }

        // For each p, the outer product of an A column (MR broadcast values) and a B row (two vectors); where the
        // panel has all-zero columns, only the p its list names.
        int count = columns[0];
        if (count == kc)
        {
            for (int p = 0; p < kc; p++, a += mr, b += ldb)
                t.AddOuterProduct(mr, V.Load(b), V.Load(b + w), a);
        }
        else
        {
            for (int q = 1; q <= count; q++)
            {
                int p = columns[q];
                float* bRow = b + (nint)p * ldb;
                t.AddOuterProduct(mr, V.Load(bRow), V.Load(bRow + w), a + p * mr);
            }
        }

        if (relu)
        {
            t.C00 = Relu(t.C00); t.C01 = Relu(t.C01); t.C10 = Relu(t.C10); t.C11 = Relu(t.C11); t.C20 = Relu(t.C20); t.C21 = Relu(t.C21);
            t.C30 = Relu(t.C30); t.C31 = Relu(t.C31); t.C40 = Relu(t.C40); t.C41 = Relu(t.C41); t.C50 = Relu(t.C50); t.C51 = Relu(t.C51);
            if (eightRows)
            {
                t.C60 = Relu(t.C60); t.C61 = Relu(t.C61); t.C70 = Relu(t.C70); t.C71 = Relu(t.C71);
            }
        }
        if (gate != null)
        {
            t.C00 &= Positive<V>(gate); t.C01 &= Positive<V>(gate + w);
            t.C10 &= Positive<V>(gate + ldc); t.C11 &= Positive<V>(gate + ldc + w);
            t.C20 &= Positive<V>(gate + 2 * ldc); t.C21 &= Positive<V>(gate + 2 * ldc + w);
            t.C30 &= Positive<V>(gate + 3 * ldc); t.C31 &= Positive<V>(gate + 3 * ldc + w);
            t.C40 &= Positive<V>(gate + 4 * ldc); t.C41 &= Positive<V>(gate + 4 * ldc + w);
            t.C50 &= Positive<V>(gate + 5 * ldc); t.C51 &= Positive<V>(gate + 5 * ldc + w);
            if (eightRows)
            {
                t.C60 &= Positive<V>(gate + 6 * ldc); t.C61 &= Positive<V>(gate + 6 * ldc + w);
                t.C70 &= Positive<V>(gate + 7 * ldc); t.C71 &= Positive<V>(gate + 7 * ldc + w);
            }
        }
        t.Store(c, ldc, mr);
    }

    // max(x, 0) with a NaN kept, the same operation as VectorKernels.ReluForward, so fused and unfused agree bit for bit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Relu<V>(V x) where V : unmanaged, ILanes<V> => V.AndNot(x, V.LessThan(x, V.Zero));

    // All ones where the gate is > 0, else zero: the mask of VectorKernels.ReluBackward.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Positive<V>(float* gate) where V : unmanaged, ILanes<V> => V.GreaterThan(V.Load(gate), V.Zero);

    // An accumulator's starting value: C's current value (when accumulating, or after the first k block),
    // plus the bias on the first k block; 0 + bias is exactly the bias.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Start<V>(float* c, bool loadC, float* bias) where V : unmanaged, ILanes<V>
    {
        V start = loadC ? V.Load(c) : V.Zero;
        return bias == null ? start : start + V.Load(bias);
    }
}

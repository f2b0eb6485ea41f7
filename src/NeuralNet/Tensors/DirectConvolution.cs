using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NeuralNet.Tensors;

/// <summary>
/// A stride-1 convolution of one image, computed straight from the zero-padded image: no im2col matrix.
/// out[f, oy, ox] = bias[f] + Σ_c Σ_ky Σ_kx W[f, c, ky, kx] · x[c, oy + ky − p, ox + kx − p] (zero outside the image).
/// </summary>
/// <remarks>
/// <para>Read <see cref="CorrelateReference"/> first: it is the formula, loop for loop. The fast version
/// computes the same sums in tiles, like a matrix product whose B matrix is never written down.</para>
/// <para>The trick: with the image padded to width PW, output (oy, ox) reads pixel (oy + ky, ox + kx) of the
/// padded plane, which sits at offset (ky·PW + kx) + (oy·PW + ox). So if outputs are numbered on the padded
/// grid, q = oy·PW + ox, every tap (c, ky, kx) reads a <i>contiguous</i> run of the padded plane, shifted by
/// its own offset: exactly a row of the im2col matrix, read in place. The columns ox ≥ OW of that grid are
/// computed and thrown away, which costs less than writing and re-reading the unfolded matrix. Where OW rounded
/// up to a 16-wide vector is narrower than PW (the chapter's second convolution: 16 against 18), each output row
/// gets exactly that many grid positions instead (<see cref="Plan.RowStride"/>): 2 of 16 thrown away, not 4 of 18,
/// and a vector reads one run of one padded row.</para>
/// <para>The micro-kernel keeps a tile of 8 filters x 32 grid positions in 16 AVX-512 registers (4 filters
/// with narrower vectors; <see cref="RegisterTile{V}"/>, shared with <see cref="GemmKernel"/>) and, for every
/// tap, adds the outer product of 8 filter weights and 32 shifted pixels, as a matrix product does. The input
/// gradient of a stride-1 convolution is itself such a convolution: of dY padded by K − 1 − p, with the filters
/// flipped and their channel axes swapped (<see cref="FlipForInputGradient"/>), so the same kernel serves both
/// passes. The filter gradient is the same product with other roles: the shifted runs times dY transposed,
/// over the real output positions only (<see cref="AccumulateFilterGradient"/>, read
/// <see cref="AccumulateFilterGradientReference"/> first).</para>
/// </remarks>
internal static unsafe class DirectConvolution
{
    /// <summary>Filters per tile in the packed weights (the widest micro-kernel's rows).</summary>
    public const int FilterBlock = 8;

    /// <summary>Grid positions are computed in runs of this many (a multiple of every micro-kernel's width).</summary>
    private const int GridBlock = 32;

    /// <summary>An aligned grid row is a whole number of the widest vectors (so any narrower vector fits in one row too).</summary>
    private const int RowAlignment = 16;

    /// <summary>The sizes of one stride-1 convolution: C x H x W images, F filters of K x K, padding p.</summary>
    public readonly record struct Plan(int Channels, int Height, int Width, int Filters, int Kernel, int Padding)
    {
        public int PaddedWidth => Width + 2 * Padding;
        public int PaddedPlane => (Height + 2 * Padding) * PaddedWidth;
        public int OutputHeight => Height + 2 * Padding - Kernel + 1;
        public int OutputWidth => Width + 2 * Padding - Kernel + 1;
        public int Taps => Channels * Kernel * Kernel;
        /// <summary>
        /// Grid positions per output row: the padded width, or OW rounded up to a whole 16-wide vector when that
        /// is narrower (the chapter's second convolution: 16 instead of 18, so 14 of every 16 lanes are real
        /// outputs instead of 14 of 18). Then every vector of the kernel lies within one output row.
        /// </summary>
        public int RowStride => Math.Min(PaddedWidth, (OutputWidth + RowAlignment - 1) / RowAlignment * RowAlignment);
        /// <summary>Grid positions computed per filter: OH rows of <see cref="RowStride"/>, rounded up to whole runs.</summary>
        public int GridLength => (OutputHeight * RowStride + GridBlock - 1) / GridBlock * GridBlock;
        /// <summary>Floats of the padded image, with room for the last run's reads past the last row.</summary>
        public int PaddedLength => Channels * PaddedPlane + (GridLength - 1) / RowStride * PaddedWidth + RowStride;
        public int PackedFilters => (Filters + FilterBlock - 1) / FilterBlock * FilterBlock;
        public int PackedLength => PackedFilters * Taps;
        public int GridBufferLength => PackedFilters * GridLength;
    }

    /// <summary>
    /// The readable version: out (F x OH x OW) = the convolution of one image (C x H x W) with the filters
    /// <paramref name="weights"/> (F x C·K·K, each row laid out [c, ky, kx]) plus <paramref name="bias"/> (F
    /// values, or empty for none).
    /// </summary>
    public static void CorrelateReference(ReadOnlySpan<float> image, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Plan plan, Span<float> output)
    {
        int k = plan.Kernel, h = plan.Height, w = plan.Width;
        for (int f = 0; f < plan.Filters; f++)
            for (int oy = 0; oy < plan.OutputHeight; oy++)
                for (int ox = 0; ox < plan.OutputWidth; ox++)
                {
                    float sum = bias.IsEmpty ? 0f : bias[f];
                    for (int c = 0; c < plan.Channels; c++)
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++)
                            {
                                int iy = oy + ky - plan.Padding, ix = ox + kx - plan.Padding;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                sum += weights[f * plan.Taps + (c * k + ky) * k + kx] * image[(c * h + iy) * w + ix];
                            }
                    output[(f * plan.OutputHeight + oy) * plan.OutputWidth + ox] = sum;
                }
    }

    /// <summary>
    /// The filters of the input-gradient convolution: filter c, channel f, tap (ky, kx) is the forward filter f,
    /// channel c, tap (K−1−ky, K−1−kx). <paramref name="weights"/> is F x C·K·K; the result is C x F·K·K.
    /// </summary>
    public static void FlipForInputGradient(ReadOnlySpan<float> weights, int filters, int channels, int k, Span<float> flipped)
    {
        for (int c = 0; c < channels; c++)
            for (int f = 0; f < filters; f++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                        flipped[(c * filters + f) * k * k + ky * k + kx] = weights[(f * channels + c) * k * k + (k - 1 - ky) * k + (k - 1 - kx)];
    }

    /// <summary>
    /// Packs the filters (F x C·K·K) for the micro-kernel: blocks of 8 filters, each stored tap by tap with the
    /// 8 filters' weights side by side, so a tile reads them in order; missing filters are zeros.
    /// </summary>
    public static void PackFilters(ReadOnlySpan<float> weights, Plan plan, Span<float> packed)
    {
        int taps = plan.Taps;
        for (int block = 0; block < plan.PackedFilters / FilterBlock; block++)
            for (int r = 0; r < taps; r++)
                for (int j = 0; j < FilterBlock; j++)
                {
                    int f = block * FilterBlock + j;
                    packed[(block * taps + r) * FilterBlock + j] = f < plan.Filters ? weights[f * taps + r] : 0f;
                }
    }

    /// <summary>
    /// The fast version of <see cref="CorrelateReference"/>: <paramref name="packed"/> from <see cref="PackFilters"/>,
    /// <paramref name="padded"/> (<see cref="Plan.PaddedLength"/> floats, zero when first used; its border stays
    /// zero) and <paramref name="grid"/> (<see cref="Plan.GridBufferLength"/>) are scratch space. With
    /// <paramref name="rectify"/> the output is max(·, 0) as <see cref="VectorKernels.ReluForward"/> computes it
    /// (the same bits), applied while the grid is copied out and still in the cache.
    /// </summary>
    public static void Correlate(ReadOnlySpan<float> image, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Plan plan,
        Span<float> padded, Span<float> grid, Span<float> output, bool rectify = false)
    {
        int pw = plan.PaddedWidth, gridLength = plan.GridLength, p = plan.Padding;
        if (padded.Length < plan.PaddedLength || grid.Length < plan.GridBufferLength || packed.Length < plan.PackedLength)
            throw new ArgumentException("Scratch buffers are smaller than the plan needs.");
        // The image, copied into the middle of the padded planes.
        for (int c = 0; c < plan.Channels; c++)
            for (int y = 0; y < plan.Height; y++)
                image.Slice((c * plan.Height + y) * plan.Width, plan.Width).CopyTo(padded.Slice(c * plan.PaddedPlane + (y + p) * pw + p, plan.Width));

        fixed (float* x = padded, a = packed, g = grid)
        {
            Isa isa = SimdPath.Current;
            for (int block = 0; block < plan.PackedFilters / FilterBlock; block++)
            {
                float* blockWeights = a + block * plan.Taps * FilterBlock;
                float* blockGrid = g + block * FilterBlock * gridLength;
                // Run q starts at grid row `row`, column `col` (followed step by step: no division per tile).
                for (int q = 0, row = 0, col = 0; q < gridLength; q += GridBlock, Advance(ref row, ref col, GridBlock, plan.RowStride))
                    switch (isa)
                    {
                        case Isa.Vector512: Tile<Lanes16>(plan, x, row, col, blockWeights, blockGrid + q, gridLength); break;
                        case Isa.Vector256: Tiles<Lanes8>(plan, x, row, col, blockWeights, blockGrid + q, gridLength); break;
                        case Isa.Vector128: Tiles<Lanes4>(plan, x, row, col, blockWeights, blockGrid + q, gridLength); break;
                        default: Tiles<Lanes1>(plan, x, row, col, blockWeights, blockGrid + q, gridLength); break;
                    }
            }
        }

        // Keep the OW real columns of each grid row, plus the bias (then the ReLU, if asked).
        int oh = plan.OutputHeight, ow = plan.OutputWidth, stride = plan.RowStride;
        for (int f = 0; f < plan.Filters; f++)
        {
            float b = bias.IsEmpty ? 0f : bias[f];
            for (int oy = 0; oy < oh; oy++)
            {
                // The row's last, partial vector may spill past its OW values: into the next row's start, which
                // is written after this one (and nothing past the image's output or the grid is touched).
                int start = (f * oh + oy) * ow, room = Math.Min(output.Length - start, grid.Length - (f * gridLength + oy * stride));
                CopyPlus(grid.Slice(f * gridLength + oy * stride), b, output.Slice(start), ow, room, rectify);
            }
        }
    }

    /// <summary>
    /// The readable filter gradient of one image: dW[f, c, ky, kx] += Σ_oy Σ_ox dy[f, oy, ox] · x[c, oy + ky − p, ox + kx − p]
    /// (zero outside the image). <paramref name="weightGradient"/> is F x C·K·K, like the filters.
    /// </summary>
    public static void AccumulateFilterGradientReference(ReadOnlySpan<float> image, ReadOnlySpan<float> dy, Plan plan, Span<float> weightGradient)
    {
        int k = plan.Kernel, h = plan.Height, w = plan.Width, oh = plan.OutputHeight, ow = plan.OutputWidth;
        for (int f = 0; f < plan.Filters; f++)
            for (int c = 0; c < plan.Channels; c++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                    {
                        float sum = 0f;
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++)
                            {
                                int iy = oy + ky - plan.Padding, ix = ox + kx - plan.Padding;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                sum += dy[(f * oh + oy) * ow + ox] * image[(c * h + iy) * w + ix];
                            }
                        weightGradient[f * plan.Taps + (c * k + ky) * k + kx] += sum;
                    }
    }

    /// <summary>Rows of the transposed filter gradient that <see cref="AccumulateFilterGradient"/> fills: taps, rounded up to whole tiles.</summary>
    public static int GradientRows(Plan plan)
    {
        int tapBlock = TapsPerGradientTile(plan);
        return (plan.Taps + tapBlock - 1) / tapBlock * tapBlock;
    }

    /// <summary>
    /// Columns of that gradient, and of the transposed dY: filters, rounded up to whole runs of 32, or 16 for
    /// at most 16 filters (the chapter's first convolution), so that half of every tile is not zeros.
    /// </summary>
    public static int GradientColumns(Plan plan) =>
        plan.Filters <= NarrowColumns ? NarrowColumns : (plan.Filters + GridBlock - 1) / GridBlock * GridBlock;

    // Filter-gradient columns of the narrow layout: one 16-wide vector of filters per tile, which then spans
    // 16 taps instead of 8 (the same 16 accumulators).
    private const int NarrowColumns = 16;

    private static int TapsPerGradientTile(Plan plan) => GradientColumns(plan) == NarrowColumns ? 2 * FilterBlock : FilterBlock;

    /// <summary>
    /// The fast filter gradient: <paramref name="gradientT"/> (<see cref="GradientRows"/> x <see cref="GradientColumns"/>,
    /// tap by filter, i.e. dWᵀ) += the gradient of one image. <paramref name="padded"/> (<see cref="Plan.PaddedLength"/>)
    /// and <paramref name="dyT"/> (<see cref="GradientPositions"/> x GradientColumns) are scratch.
    /// </summary>
    /// <remarks>
    /// dWᵀ[tap, f] = Σ_(oy, ox) x_padded[offset(tap) + oy·PW + ox] · dYᵀ[oy·OW + ox, f]: a matrix product whose
    /// left matrix is the im2col matrix read in place (each tap a shifted run of the padded image, as in
    /// <see cref="Correlate"/>) and whose right matrix is dY transposed, position by filter. A tile of 8 taps x
    /// 32 filters stays in registers over the real output positions, row by row.
    /// </remarks>
    public static void AccumulateFilterGradient(ReadOnlySpan<float> image, ReadOnlySpan<float> dy, Plan plan,
        Span<float> padded, Span<float> dyT, Span<float> gradientT)
    {
        int pw = plan.PaddedWidth, p = plan.Padding, oh = plan.OutputHeight, ow = plan.OutputWidth, k = plan.Kernel;
        int columns = GradientColumns(plan), rows = GradientRows(plan);
        if (padded.Length < plan.PaddedLength || dyT.Length < GradientPositions(plan) * columns || gradientT.Length < rows * columns)
            throw new ArgumentException("Scratch buffers are smaller than the plan needs.");
        for (int c = 0; c < plan.Channels; c++)
            for (int y = 0; y < plan.Height; y++)
                image.Slice((c * plan.Height + y) * plan.Width, plan.Width).CopyTo(padded.Slice(c * plan.PaddedPlane + (y + p) * pw + p, plan.Width));
        int tapBlock = TapsPerGradientTile(plan);
        bool narrow = columns == NarrowColumns;
        int* offsets = stackalloc int[tapBlock];
        Isa isa = SimdPath.Current;
        fixed (float* x = padded, b = dyT, g = gradientT, dyp = dy)
        {
            // dYᵀ[p, f] = dy[f, p]: in 8 x 8 blocks in registers where AVX is there (a third of conv1's filter
            // gradient went into copying these values one by one), the edges value by value. (Columns past the
            // last filter, if any, are never written: their sums are not read.)
            int plane = oh * ow, filters = plan.Filters;
            bool blocks = isa >= Isa.Vector256 && Avx.IsSupported;
            int filters8 = blocks ? filters / 8 * 8 : 0, plane8 = blocks ? plane / 8 * 8 : 0;
            for (int f = 0; f < filters8; f += 8)
                for (int position = 0; position < plane8; position += 8)
                    GemmKernel.Transpose8x8(dyp + f * plane + position, plane, b + position * columns + f, columns);
            for (int position = 0; position < plane; position++)
            {
                float* source = dyp + position, target = b + position * columns;
                for (int f = position < plane8 ? filters8 : 0; f < filters; f++) target[f] = source[f * plane];
            }
            var rowsOfOutputs = new OutputRows(oh, ow, pw);
            for (int tap0 = 0; tap0 < rows; tap0 += tapBlock)
            {
                // Where each tap's run starts in the padded image (taps past the last read tap 0; their rows are unused).
                for (int j = 0; j < tapBlock; j++)
                {
                    int tap = tap0 + j < plan.Taps ? tap0 + j : 0, c = tap / (k * k), ky = tap / k % k, kx = tap % k;
                    offsets[j] = c * plan.PaddedPlane + ky * pw + kx;
                }
                if (narrow)
                {
                    // 16 taps x 16 filters: one tile of 16-wide vectors, or 4-tap tiles of narrower ones.
                    if (isa == Isa.Vector512) NarrowGradientTile<Lanes16>(rowsOfOutputs, x, offsets, b, columns, g + tap0 * columns);
                    else if (isa == Isa.Vector256) NarrowGradientTiles<Lanes8>(rowsOfOutputs, x, offsets, b, columns, g + tap0 * columns);
                    else if (isa == Isa.Vector128) NarrowGradientTiles<Lanes4>(rowsOfOutputs, x, offsets, b, columns, g + tap0 * columns);
                    else NarrowGradientTiles<Lanes1>(rowsOfOutputs, x, offsets, b, columns, g + tap0 * columns);
                    continue;
                }
                for (int f0 = 0; f0 < columns; f0 += GridBlock)
                    switch (isa)
                    {
                        case Isa.Vector512: GradientTile<Lanes16>(rowsOfOutputs, x, offsets, b + f0, columns, g + tap0 * columns + f0); break;
                        case Isa.Vector256: GradientTiles<Lanes8>(rowsOfOutputs, x, offsets, b + f0, columns, g + tap0 * columns + f0); break;
                        case Isa.Vector128: GradientTiles<Lanes4>(rowsOfOutputs, x, offsets, b + f0, columns, g + tap0 * columns + f0); break;
                        default: GradientTiles<Lanes1>(rowsOfOutputs, x, offsets, b + f0, columns, g + tap0 * columns + f0); break;
                    }
            }
        }
    }

    // The real output positions the filter-gradient tiles run over: Rows rows of Width, each starting a padded
    // row (PaddedWidth) further into the image.
    private readonly record struct OutputRows(int Rows, int Width, int PaddedWidth);

    /// <summary>Rows of the transposed dY that <see cref="AccumulateFilterGradient"/> uses: one per real output position.</summary>
    public static int GradientPositions(Plan plan) => plan.OutputHeight * plan.OutputWidth;

    // 8 taps x 32 filters with narrower vectors: tiles of 4 taps x 2 vectors.
    private static void GradientTiles<V>(OutputRows steps, float* x, int* offsets, float* b, int ldb, float* c) where V : unmanaged, ILanes<V>
    {
        for (int f = 0; f < GridBlock; f += 2 * V.Count)
        {
            GradientTile<V>(steps, x, offsets, b + f, ldb, c + f);
            GradientTile<V>(steps, x, offsets + FilterBlock / 2, b + f, ldb, c + FilterBlock / 2 * ldb + f);
        }
    }

    // 16 taps x 16 filters with vectors narrower than 16: GradientTile's tiles of 4 taps x 2 vectors.
    private static void NarrowGradientTiles<V>(OutputRows steps, float* x, int* offsets, float* b, int ldb, float* c) where V : unmanaged, ILanes<V>
    {
        for (int f = 0; f < NarrowColumns; f += 2 * V.Count)
            for (int j = 0; j < 2 * FilterBlock; j += 4)
                GradientTile<V>(steps, x, offsets + j, b + f, ldb, c + j * ldb + f);
    }

    // c[j, ·] += Σ_q x[offsets[j] + q] · b[q, ·] for 16 taps j and one 16-wide vector of filters (the narrow
    // layout): GradientTile with the second vector of filters traded for 8 more taps.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowGradientTile<V>(OutputRows steps, float* x, int* offsets, float* b, int ldb, float* c) where V : unmanaged, ILanes<V>
    {
        float* x0 = x + offsets[0], x1 = x + offsets[1], x2 = x + offsets[2], x3 = x + offsets[3];
        float* x4 = x + offsets[4], x5 = x + offsets[5], x6 = x + offsets[6], x7 = x + offsets[7];
        float* x8 = x + offsets[8], x9 = x + offsets[9], x10 = x + offsets[10], x11 = x + offsets[11];
        float* x12 = x + offsets[12], x13 = x + offsets[13], x14 = x + offsets[14], x15 = x + offsets[15];
        V c0 = V.Load(c), c1 = V.Load(c + ldb), c2 = V.Load(c + 2 * ldb), c3 = V.Load(c + 3 * ldb);
        V c4 = V.Load(c + 4 * ldb), c5 = V.Load(c + 5 * ldb), c6 = V.Load(c + 6 * ldb), c7 = V.Load(c + 7 * ldb);
        V c8 = V.Load(c + 8 * ldb), c9 = V.Load(c + 9 * ldb), c10 = V.Load(c + 10 * ldb), c11 = V.Load(c + 11 * ldb);
        V c12 = V.Load(c + 12 * ldb), c13 = V.Load(c + 13 * ldb), c14 = V.Load(c + 14 * ldb), c15 = V.Load(c + 15 * ldb);
        for (int oy = 0, start = 0; oy < steps.Rows; oy++, start += steps.PaddedWidth)
            for (int q = start; q < start + steps.Width; q++, b += ldb)
            {
                V bv = V.Load(b);
                V.MultiplyAddTo(ref c0, V.Create(x0[q]), bv); V.MultiplyAddTo(ref c1, V.Create(x1[q]), bv);
                V.MultiplyAddTo(ref c2, V.Create(x2[q]), bv); V.MultiplyAddTo(ref c3, V.Create(x3[q]), bv);
                V.MultiplyAddTo(ref c4, V.Create(x4[q]), bv); V.MultiplyAddTo(ref c5, V.Create(x5[q]), bv);
                V.MultiplyAddTo(ref c6, V.Create(x6[q]), bv); V.MultiplyAddTo(ref c7, V.Create(x7[q]), bv);
                V.MultiplyAddTo(ref c8, V.Create(x8[q]), bv); V.MultiplyAddTo(ref c9, V.Create(x9[q]), bv);
                V.MultiplyAddTo(ref c10, V.Create(x10[q]), bv); V.MultiplyAddTo(ref c11, V.Create(x11[q]), bv);
                V.MultiplyAddTo(ref c12, V.Create(x12[q]), bv); V.MultiplyAddTo(ref c13, V.Create(x13[q]), bv);
                V.MultiplyAddTo(ref c14, V.Create(x14[q]), bv); V.MultiplyAddTo(ref c15, V.Create(x15[q]), bv);
            }
        c0.Store(c); c1.Store(c + ldb); c2.Store(c + 2 * ldb); c3.Store(c + 3 * ldb);
        c4.Store(c + 4 * ldb); c5.Store(c + 5 * ldb); c6.Store(c + 6 * ldb); c7.Store(c + 7 * ldb);
        c8.Store(c + 8 * ldb); c9.Store(c + 9 * ldb); c10.Store(c + 10 * ldb); c11.Store(c + 11 * ldb);
        c12.Store(c + 12 * ldb); c13.Store(c + 13 * ldb); c14.Store(c + 14 * ldb); c15.Store(c + 15 * ldb);
    }

    // c[j, ·] += Σ_q x[offsets[j] + q] · b[q, ·] for the tile's taps j (8, or 4 with vectors narrower than 16)
    // and 2 vectors of filters: for each grid position, the outer product of 8 pixels and 32 gradients.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientTile<V>(OutputRows steps, float* x, int* offsets, float* b, int ldb, float* c) where V : unmanaged, ILanes<V>
    {
        int w = V.Count, rows = V.Count == 16 ? FilterBlock : FilterBlock / 2;
        float* x0 = x + offsets[0], x1 = x + offsets[1], x2 = x + offsets[2], x3 = x + offsets[3];
        float* x4 = rows > 4 ? x + offsets[4] : x, x5 = rows > 4 ? x + offsets[5] : x, x6 = rows > 4 ? x + offsets[6] : x, x7 = rows > 4 ? x + offsets[7] : x;
        RegisterTile<V> tile = default;
        tile.Load(c, ldb, rows);
        for (int oy = 0, start = 0; oy < steps.Rows; oy++, start += steps.PaddedWidth)
            for (int q = start; q < start + steps.Width; q++, b += ldb)
                tile.AddOuterProduct(rows, V.Load(b), V.Load(b + w), x0 + q, x1 + q, x2 + q, x3 + q, x4 + q, x5 + q, x6 + q, x7 + q);
        tile.Store(c, ldb, rows);
    }

    // target[0..count) = row + b, or max(row + b, 0) with rectify: whole vectors, the last partial one as a whole
    // vector too when `room` values may be written (and read), else value by value. The ReLU is
    // VectorKernels.ReluForward's: zero where the sum is < 0, so a NaN stays NaN and −0 stays −0.
    private static void CopyPlus(ReadOnlySpan<float> row, float b, Span<float> target, int count, int room, bool rectify)
    {
        var bias = new Vector<float>(b);
        int i = 0, lanes = Vector<float>.Count;
        for (; i < count && i + lanes <= room; i += lanes)
        {
            Vector<float> sum = new Vector<float>(row[i..]) + bias;
            if (rectify) sum = Vector.ConditionalSelect(Vector.LessThan(sum, Vector<float>.Zero), Vector<float>.Zero, sum);
            sum.CopyTo(target[i..]);
        }
        for (; i < count; i++)
        {
            float sum = row[i] + b;
            target[i] = rectify && sum < 0f ? 0f : sum;
        }
    }

    // Grid position (row, col) moved on by n positions along rows of `stride`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Advance(ref int row, ref int col, int n, int stride)
    {
        for (col += n; col >= stride; col -= stride) row++;
    }

    // A run of 32 grid positions from (row, col) for 8 filters with narrower vectors: 4 filters x 2 vectors per tile.
    private static void Tiles<V>(Plan plan, float* x, int row, int col, float* a, float* c, int ldc) where V : unmanaged, ILanes<V>
    {
        for (int q = 0; q < GridBlock; q += 2 * V.Count, Advance(ref row, ref col, 2 * V.Count, plan.RowStride))
        {
            Tile<V>(plan, x, row, col, a, c + q, ldc);
            Tile<V>(plan, x, row, col, a + FilterBlock / 2, c + FilterBlock / 2 * ldc + q, ldc);
        }
    }

    // grid[f, q .. q + 2V) = Σ over taps (ch, ky, kx) of a[tap][f] · x[ch·PP + ky·PW + kx + row·PW + col ..]: the
    // tile of 8 filters (4 with vectors narrower than 16) x 2 vectors stays in registers for all C·K·K taps.
    // Each vector reads a run of one row of the padded image: the two are side by side on the padded grid,
    // or on two output rows of an aligned grid.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<V>(Plan plan, float* padded, int row, int col, float* a, float* c, int ldc) where V : unmanaged, ILanes<V>
    {
        int w = V.Count, k = plan.Kernel, pw = plan.PaddedWidth, pp = plan.PaddedPlane;
        float* x = padded + row * pw + col;
        int row1 = row, col1 = col;
        Advance(ref row1, ref col1, w, plan.RowStride);
        int second = (row1 - row) * pw + col1 - col;   // where the second vector reads, from the first
        int rows = V.Count == 16 ? FilterBlock : FilterBlock / 2;
        RegisterTile<V> tile = default;
        for (int ch = 0; ch < plan.Channels; ch++)
            for (int ky = 0; ky < k; ky++)
            {
                float* line = x + ch * pp + ky * pw;
                for (int kx = 0; kx < k; kx++, a += FilterBlock)
                    tile.AddOuterProduct(rows, V.Load(line + kx), V.Load(line + kx + second), a);
            }
        tile.Store(c, ldc, rows);
    }
}

using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralNet.Tensors;

/// <summary>
/// 2x2 max pooling with stride 2, the pooling of every small CNN, for one image at a time: the forward pass
/// keeps each window's largest value and which of its four corners won (0 top-left, 1 top-right,
/// 2 bottom-left, 3 bottom-right; ties go to the first in that order), and the backward pass sends each
/// output's gradient to the corner that won.
/// </summary>
/// <remarks>
/// Read <see cref="Forward2x2Scalar"/> and <see cref="Backward2x2Scalar"/> first. The AVX-512 versions do the
/// same 16 windows at a time: load 32 values of the top row and 32 of the bottom row, split each into its
/// even and odd columns (the windows' left and right corners) with one permute, and pick the winners with
/// the same comparisons as the scalar code, lane by lane. Tests check that both give the same bits.
/// </remarks>
internal static unsafe class PoolingKernels
{
    private const int WindowsPerVector = 16;   // 2x2 windows one AVX-512 pass pools (16 output floats)

    /// <summary>
    /// Max pooling of one image with any window and stride: y = the maximum of each window, and won = where it
    /// came from (2x2 windows of stride 2: the winning corner 0..3, by <see cref="Forward2x2"/>; otherwise the
    /// winner's index in x, ties to the first).
    /// </summary>
    public static void MaxPool(ReadOnlySpan<float> x, ConvGeometry g, Span<float> y, Span<int> won)
    {
        if (Is2x2(g)) Forward2x2(x, g.Input, y, won);
        else MaxPoolAnyWindow(x, g, y, won);
    }

    /// <summary>The gradient of <see cref="MaxPool"/>: each output's gradient goes to the pixel that won its window, every other pixel gets 0.</summary>
    public static void MaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> won, ConvGeometry g, Span<float> dx)
    {
        if (Is2x2(g))
        {
            Backward2x2(dy, won, g.Input, dx);
            return;
        }
        dx.Clear();
        // += because overlapping windows may share a winner.
        for (int o = 0; o < dy.Length; o++) dx[won[o]] += dy[o];
    }

    private static bool Is2x2(ConvGeometry g) => g.Kernel == 2 && g.Stride == 2;

    // Any window size and stride: y = max over the window, and won = where it came from (ties go to the first).
    private static void MaxPoolAnyWindow(ReadOnlySpan<float> x, ConvGeometry g, Span<float> y, Span<int> won)
    {
        int k = g.Kernel, width = g.Input.Width, o = 0;
        for (int c = 0; c < g.Input.Channels; c++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++, o++)
                {
                    int corner = g.Input.IndexOf(c, oy * g.Stride, ox * g.Stride);
                    int best = corner;
                    float max = x[corner];
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            int index = corner + ky * width + kx;
                            if (x[index] > max)
                            {
                                max = x[index];
                                best = index;
                            }
                        }
                    y[o] = max;
                    won[o] = best;
                }
    }

    /// <summary>
    /// y[c, oy, ox] = max of x[c, 2oy..2oy+1, 2ox..2ox+1] for one image of <paramref name="image"/> shape, and
    /// corner[c, oy, ox] = which of the four won. Both outputs are C x ⌊H/2⌋ x ⌊W/2⌋.
    /// </summary>
    public static void Forward2x2(ReadOnlySpan<float> x, ImageShape image, Span<float> y, Span<int> corner)
    {
        if (SimdPath.Current == Isa.Vector512) Forward2x2Avx512(x, image, y, corner);
        else Forward2x2Scalar(x, image, y, corner);
    }

    /// <summary>dx[the winning corner of each window] = dy; every other pixel of dx gets 0.</summary>
    public static void Backward2x2(ReadOnlySpan<float> dy, ReadOnlySpan<int> corner, ImageShape image, Span<float> dx)
    {
        if (SimdPath.Current == Isa.Vector512) Backward2x2Avx512(dy, corner, image, dx);
        else Backward2x2Scalar(dy, corner, image, dx);
    }

    /// <summary>The readable forward pass, one window at a time.</summary>
    public static void Forward2x2Scalar(ReadOnlySpan<float> x, ImageShape image, Span<float> y, Span<int> corner)
    {
        int width = image.Width, outHeight = image.Height / 2, outWidth = width / 2, o = 0;
        for (int c = 0; c < image.Channels; c++)
            for (int oy = 0; oy < outHeight; oy++)
            {
                int top = c * image.Plane + 2 * oy * width, bottom = top + width;
                for (int ox = 0; ox < outWidth; ox++, o++)
                {
                    float a = x[top + 2 * ox], b = x[top + 2 * ox + 1], d = x[bottom + 2 * ox], e = x[bottom + 2 * ox + 1];
                    float max = a;
                    int won = 0;
                    if (b > max) { max = b; won = 1; }
                    if (d > max) { max = d; won = 2; }
                    if (e > max) { max = e; won = 3; }
                    y[o] = max;
                    corner[o] = won;
                }
            }
    }

    /// <summary>The readable backward pass: each window's gradient goes to its winner, the rest of dx is 0.</summary>
    public static void Backward2x2Scalar(ReadOnlySpan<float> dy, ReadOnlySpan<int> corner, ImageShape image, Span<float> dx)
    {
        int width = image.Width, outHeight = image.Height / 2, outWidth = width / 2, o = 0;
        dx[..image.Size].Clear();
        for (int c = 0; c < image.Channels; c++)
            for (int oy = 0; oy < outHeight; oy++)
            {
                int top = c * image.Plane + 2 * oy * width;
                for (int ox = 0; ox < outWidth; ox++, o++)
                {
                    int won = corner[o];
                    dx[top + 2 * ox + (won & 1) + (won >> 1) * width] = dy[o];
                }
            }
    }

    // Lane i of the permutes below: the even (left-corner) and odd (right-corner) columns of 32 values...
    private static readonly Vector512<int> EvenColumns = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> OddColumns = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    // ...and back: lanes 0..15 and 16..31 of the interleaving of two vectors (left, right, left, right, ...).
    private static readonly Vector512<int> InterleaveLow = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> InterleaveHigh = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);

    // Forward2x2Scalar on 16 windows at a time. Each row pair is done in chunks of 16 windows; the
    // results go through a small buffer, so only the row's own outputs are written. A chunk whose 32-value
    // loads would run past the end of x is done by the scalar code.
    private static void Forward2x2Avx512(ReadOnlySpan<float> x, ImageShape image, Span<float> y, Span<int> corner)
    {
        int width = image.Width, outHeight = image.Height / 2, outWidth = width / 2;
        float* maxBuffer = stackalloc float[WindowsPerVector];
        int* cornerBuffer = stackalloc int[WindowsPerVector];
        fixed (float* xp = x)
            for (int c = 0; c < image.Channels; c++)
                for (int oy = 0; oy < outHeight; oy++)
                {
                    int top = c * image.Plane + 2 * oy * width, bottom = top + width, o = (c * outHeight + oy) * outWidth;
                    for (int ox = 0; ox < outWidth; ox += WindowsPerVector)
                    {
                        int count = Math.Min(WindowsPerVector, outWidth - ox);
                        if (bottom + 2 * ox + 2 * WindowsPerVector > x.Length)
                        {
                            for (int i = 0; i < count; i++) Window(x, top + 2 * (ox + i), width, out y[o + ox + i], out corner[o + ox + i]);
                            continue;
                        }
                        Vector512<float> top0 = Vector512.Load(xp + top + 2 * ox), top1 = Vector512.Load(xp + top + 2 * ox + WindowsPerVector);
                        Vector512<float> bottom0 = Vector512.Load(xp + bottom + 2 * ox), bottom1 = Vector512.Load(xp + bottom + 2 * ox + WindowsPerVector);
                        Vector512<float> a = Avx512F.PermuteVar16x32x2(top0, EvenColumns, top1), b = Avx512F.PermuteVar16x32x2(top0, OddColumns, top1);
                        Vector512<float> d = Avx512F.PermuteVar16x32x2(bottom0, EvenColumns, bottom1), e = Avx512F.PermuteVar16x32x2(bottom0, OddColumns, bottom1);
                        Vector512<float> max = a;
                        Vector512<int> won = Vector512<int>.Zero;
                        Pick(ref max, ref won, b, 1);
                        Pick(ref max, ref won, d, 2);
                        Pick(ref max, ref won, e, 3);
                        if (o + ox + WindowsPerVector <= y.Length)
                        {
                            // Whole vectors: lanes past `count` spill into the next output row, written after this one.
                            fixed (float* yp = &y[o + ox]) max.Store(yp);
                            fixed (int* cp = &corner[o + ox]) won.Store(cp);
                            continue;
                        }
                        max.Store(maxBuffer);
                        won.Store(cornerBuffer);
                        new ReadOnlySpan<float>(maxBuffer, count).CopyTo(y.Slice(o + ox, count));
                        new ReadOnlySpan<int>(cornerBuffer, count).CopyTo(corner.Slice(o + ox, count));
                    }
                }
    }

    // if (candidate > max) { max = candidate; won = index; }, in every lane.
    private static void Pick(ref Vector512<float> max, ref Vector512<int> won, Vector512<float> candidate, int index)
    {
        var greater = Vector512.GreaterThan(candidate, max);
        max = Vector512.ConditionalSelect(greater, candidate, max);
        won = Vector512.ConditionalSelect(greater.AsInt32(), Vector512.Create(index), won);
    }

    private static void Window(ReadOnlySpan<float> x, int topLeft, int width, out float max, out int won)
    {
        float a = x[topLeft], b = x[topLeft + 1], d = x[topLeft + width], e = x[topLeft + width + 1];
        max = a;
        won = 0;
        if (b > max) { max = b; won = 1; }
        if (d > max) { max = d; won = 2; }
        if (e > max) { max = e; won = 3; }
    }

    // Backward2x2Scalar on 16 windows at a time: each corner's gradient is dy where that corner won
    // and 0 elsewhere; interleaving the left and right corners gives 32 values of the top and bottom rows.
    private static void Backward2x2Avx512(ReadOnlySpan<float> dy, ReadOnlySpan<int> corner, ImageShape image, Span<float> dx)
    {
        int width = image.Width, outHeight = image.Height / 2, outWidth = width / 2;
        // Pixels no window covers (an odd last row or column) keep a 0 gradient.
        bool evenSides = image.Height % 2 == 0 && width % 2 == 0;
        if (!evenSides) dx[..image.Size].Clear();
        float* dyBuffer = stackalloc float[WindowsPerVector];
        int* cornerBuffer = stackalloc int[WindowsPerVector];
        float* rows = stackalloc float[4 * WindowsPerVector];
        for (int c = 0; c < image.Channels; c++)
            for (int oy = 0; oy < outHeight; oy++)
            {
                int top = c * image.Plane + 2 * oy * width, bottom = top + width, o = (c * outHeight + oy) * outWidth;
                for (int ox = 0; ox < outWidth; ox += WindowsPerVector)
                {
                    int count = Math.Min(WindowsPerVector, outWidth - ox);
                    // With even sides, one chunk per row (or a full chunk) and room left in the image, whole vectors
                    // go straight in and out: lanes past `count` belong to later windows, and the values they spill
                    // (into the bottom row, then into the next row pair) are overwritten when those are done.
                    bool whole = evenSides && (outWidth <= WindowsPerVector || count == WindowsPerVector)
                        && o + ox + WindowsPerVector <= dy.Length && bottom + 2 * ox + 2 * WindowsPerVector <= image.Size;
                    if (!whole)
                    {
                        // Through buffers: lanes past `count` hold stale values, but only 2·count values per row are copied out.
                        dy.Slice(o + ox, count).CopyTo(new Span<float>(dyBuffer, count));
                        corner.Slice(o + ox, count).CopyTo(new Span<int>(cornerBuffer, count));
                    }
                    Vector512<float> g;
                    Vector512<int> won;
                    fixed (float* dyp = &dy[o + ox]) g = Vector512.Load(whole ? dyp : dyBuffer);
                    fixed (int* cp = &corner[o + ox]) won = Vector512.Load(whole ? cp : cornerBuffer);
                    Vector512<float> a = g & Vector512.Equals(won, Vector512<int>.Zero).AsSingle();
                    Vector512<float> b = g & Vector512.Equals(won, Vector512.Create(1)).AsSingle();
                    Vector512<float> d = g & Vector512.Equals(won, Vector512.Create(2)).AsSingle();
                    Vector512<float> e = g & Vector512.Equals(won, Vector512.Create(3)).AsSingle();
                    if (whole)
                    {
                        fixed (float* dxp = dx)
                        {
                            Avx512F.PermuteVar16x32x2(a, InterleaveLow, b).Store(dxp + top + 2 * ox);
                            Avx512F.PermuteVar16x32x2(a, InterleaveHigh, b).Store(dxp + top + 2 * ox + WindowsPerVector);
                            Avx512F.PermuteVar16x32x2(d, InterleaveLow, e).Store(dxp + bottom + 2 * ox);
                            Avx512F.PermuteVar16x32x2(d, InterleaveHigh, e).Store(dxp + bottom + 2 * ox + WindowsPerVector);
                        }
                        continue;
                    }
                    Avx512F.PermuteVar16x32x2(a, InterleaveLow, b).Store(rows);
                    Avx512F.PermuteVar16x32x2(a, InterleaveHigh, b).Store(rows + WindowsPerVector);
                    Avx512F.PermuteVar16x32x2(d, InterleaveLow, e).Store(rows + 2 * WindowsPerVector);
                    Avx512F.PermuteVar16x32x2(d, InterleaveHigh, e).Store(rows + 3 * WindowsPerVector);
                    new ReadOnlySpan<float>(rows, 2 * count).CopyTo(dx.Slice(top + 2 * ox, 2 * count));
                    new ReadOnlySpan<float>(rows + 2 * WindowsPerVector, 2 * count).CopyTo(dx.Slice(bottom + 2 * ox, 2 * count));
                }
            }
    }
}

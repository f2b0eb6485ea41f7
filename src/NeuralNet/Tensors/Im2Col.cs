using System.Numerics;

namespace NeuralNet.Tensors;

/// <summary>
/// The geometry of a 2-D convolution or pooling window: input shape, square kernel, stride and zero padding.
/// Output height = (H + 2·padding − kernel) / stride + 1, and the same for the width.
/// </summary>
public readonly record struct ConvGeometry
{
    /// <summary>Checks that the kernel fits the padded input.</summary>
    public ConvGeometry(ImageShape input, int kernel, int stride = 1, int padding = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        // Bounded like the image's sides, so that the padded side and C·K·K below cannot overflow.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(kernel, ImageShape.MaxDimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stride, ImageShape.MaxDimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padding, ImageShape.MaxDimension);
        if ((long)input.Channels * kernel * kernel > Array.MaxLength)
            throw new ArgumentException($"A {kernel}x{kernel} kernel over {input.Channels} channels has more weights per filter than an array can hold.", nameof(kernel));
        if (kernel > input.Height + 2 * padding || kernel > input.Width + 2 * padding)
            throw new ArgumentException($"A {kernel}x{kernel} kernel does not fit a {input} input with padding {padding}.", nameof(kernel));
        Input = input;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
    }

    /// <summary>The input image shape.</summary>
    public ImageShape Input { get; }

    /// <summary>Kernel side length K (the window is K x K).</summary>
    public int Kernel { get; }

    /// <summary>Step between neighbouring windows.</summary>
    public int Stride { get; }

    /// <summary>Zeros added on every side of the input.</summary>
    public int Padding { get; }

    /// <summary>Output rows.</summary>
    public int OutputHeight => (Input.Height + 2 * Padding - Kernel) / Stride + 1;

    /// <summary>Output columns.</summary>
    public int OutputWidth => (Input.Width + 2 * Padding - Kernel) / Stride + 1;

    /// <summary>Output positions per channel, <c>OutputHeight * OutputWidth</c>.</summary>
    public int OutputPlane => OutputHeight * OutputWidth;

    /// <summary>Values under one window across all input channels, <c>C * K * K</c> (a row of the unfolded matrix).</summary>
    public int PatchSize => Input.Channels * Kernel * Kernel;

    // The output columns ox whose input column ix = ox·stride + kx − padding lies inside [0, W).
    internal (int First, int End) ValidColumns(int kx)
    {
        int first = Math.Max(0, CeilDiv(Padding - kx, Stride));
        int end = Math.Min(OutputWidth, FloorDiv(Input.Width - 1 + Padding - kx, Stride) + 1);
        return (first, Math.Max(first, end));
    }

    private static int CeilDiv(int a, int b) => a <= 0 ? -(-a / b) : (a + b - 1) / b;
    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// <summary>
/// im2col: turns convolution into one matrix product. Every K x K window of every image becomes one
/// column of a (C·K·K) x (N·P) matrix (P output positions per image), so that for filters W (F x C·K·K)
/// the whole batch's convolution is the product W · columns, an F x (N·P) matrix.
/// </summary>
/// <remarks>
/// Row r = (c·K + ky)·K + kx of the unfolded matrix holds input channel c shifted by (ky, kx); column
/// n·P + oy·OW + ox is output position (oy, ox) of image n. With stride 1 each (row, image, oy) is one
/// contiguous copy of an input row, which keeps this memory-bound step fast. <see cref="Fold"/> is the
/// adjoint (col2im): it adds every column entry back to the pixel it came from, which is how the
/// gradient flows from the unfolded matrix to the input. Both run on the calling thread: Conv2D already gives
/// each core its own images.
/// </remarks>
public static class Im2Col
{
    /// <summary>
    /// Unfolds images <paramref name="firstSample"/> .. + <paramref name="count"/> − 1 of the batch
    /// <paramref name="images"/> (N x C·H·W) into <paramref name="columns"/>, reshaped to (C·K·K) x (count·P).
    /// </summary>
    public static void Unfold(Matrix images, int firstSample, int count, ConvGeometry g, Matrix columns)
    {
        float[]? padded = null;
        UnfoldReusing(images, firstSample, count, g, columns, ref padded);
    }

    /// <summary>As above, reusing <paramref name="padded"/> as scratch for the zero-padded images (stride 1).</summary>
    internal static void UnfoldReusing(Matrix images, int firstSample, int count, ConvGeometry g, Matrix columns, ref float[]? padded)
    {
        CheckBatch(images, firstSample, count, g);
        int positions = count * g.OutputPlane;
        columns.Reshape(g.PatchSize, positions);
        if (g.Stride == 1)
        {
            UnfoldStride1(images, firstSample, count, g, columns, ref padded);
            return;
        }
        float[] x = images.Data, cols = columns.Data;
        int k = g.Kernel;
        for (int r = 0; r < g.PatchSize; r++)
        {
            int c = r / (k * k), ky = r / k % k, kx = r % k;
            (int first, int end) = g.ValidColumns(kx);
            for (int n = 0; n < count; n++)
            {
                int plane = (firstSample + n) * g.Input.Size + c * g.Input.Plane;
                int rowOffset = r * positions + n * g.OutputPlane;
                for (int oy = 0; oy < g.OutputHeight; oy++)
                {
                    Span<float> dst = cols.AsSpan(rowOffset + oy * g.OutputWidth, g.OutputWidth);
                    int iy = oy * g.Stride + ky - g.Padding;
                    if ((uint)iy >= (uint)g.Input.Height || first >= end)
                    {
                        dst.Clear();
                        continue;
                    }
                    dst[..first].Clear();
                    dst[end..].Clear();
                    int src = plane + iy * g.Input.Width + first * g.Stride + kx - g.Padding;
                    if (g.Stride == 1)
                        x.AsSpan(src, end - first).CopyTo(dst[first..end]);
                    else
                        for (int ox = first; ox < end; ox++, src += g.Stride) dst[ox] = x[src];
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold"/> (col2im): overwrites images <paramref name="firstSample"/> ..
    /// of <paramref name="images"/> with the sum, over every window that covers a pixel, of that window's
    /// column entry. Used to turn ∂L/∂columns into ∂L/∂input.
    /// </summary>
    public static void Fold(Matrix columns, int firstSample, int count, ConvGeometry g, Matrix images)
    {
        CheckBatch(images, firstSample, count, g);
        int positions = count * g.OutputPlane;
        if (columns.Rows != g.PatchSize || columns.Cols != positions)
            throw new ArgumentException($"Fold expects a {g.PatchSize}x{positions} matrix, got {columns.Shape}.", nameof(columns));
        if (g.Stride == 1)
        {
            FoldStride1(columns, firstSample, count, g, images);
            return;
        }
        float[] x = images.Data, cols = columns.Data;
        int k = g.Kernel, channels = g.Input.Channels;
        for (int item = 0; item < count * channels; item++)
        {
            int n = item / channels, c = item % channels;
            Span<float> plane = x.AsSpan((firstSample + n) * g.Input.Size + c * g.Input.Plane, g.Input.Plane);
            plane.Clear();
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                {
                    int r = (c * k + ky) * k + kx;
                    (int first, int last) = g.ValidColumns(kx);
                    if (first >= last) continue;
                    for (int oy = 0; oy < g.OutputHeight; oy++)
                    {
                        int iy = oy * g.Stride + ky - g.Padding;
                        if ((uint)iy >= (uint)g.Input.Height) continue;
                        int src = r * positions + n * g.OutputPlane + oy * g.OutputWidth;
                        int dst = iy * g.Input.Width + first * g.Stride + kx - g.Padding;
                        if (g.Stride == 1)
                            MatrixOps.Add(cols.AsSpan(src + first, last - first), plane.Slice(dst, last - first));
                        else
                            for (int ox = first; ox < last; ox++, dst += g.Stride) plane[dst] += cols[src + ox];
                    }
                }
        }
    }

    // Stride 1, the common case, in two steps: copy the images into a zero-padded buffer (so no window needs
    // edge tests), then copy each output row of each unfolded row with whole vectors. A vector may run a few
    // values past the row's end; the next row, written after it by the same thread, overwrites them.
    private static void UnfoldStride1(Matrix images, int firstSample, int count, ConvGeometry g, Matrix columns, ref float[]? padded)
    {
        int channels = g.Input.Channels, height = g.Input.Height, width = g.Input.Width, pad = g.Padding;
        int paddedWidth = width + 2 * pad, paddedPlane = (height + 2 * pad) * paddedWidth;
        int k = g.Kernel, outHeight = g.OutputHeight, outWidth = g.OutputWidth, plane = g.OutputPlane;
        int positions = count * plane, lanes = Vector<float>.Count;
        int needed = count * channels * paddedPlane + lanes;
        if (padded is null || padded.Length < needed) padded = new float[needed];
        float[] xp = padded, x = images.Data, cols = columns.Data;

        for (int n = 0; n < count; n++)
            for (int c = 0; c < channels; c++)
            {
                Span<float> target = xp.AsSpan((n * channels + c) * paddedPlane, paddedPlane);
                if (pad > 0) target.Clear();
                int source = (firstSample + n) * g.Input.Size + c * g.Input.Plane;
                for (int y = 0; y < height; y++)
                    x.AsSpan(source + y * width, width).CopyTo(target.Slice((y + pad) * paddedWidth + pad, width));
            }

        for (int r = 0; r < g.PatchSize; r++)
        {
            int c = r / (k * k), ky = r / k % k, kx = r % k;
            for (int n = 0; n < count; n++)
            {
                int source = (n * channels + c) * paddedPlane + ky * paddedWidth + kx;
                int target = r * positions + n * plane;
                for (int oy = 0; oy < outHeight; oy++, source += paddedWidth, target += outWidth)
                {
                    // A spill is shorter than a row, so the next row covers it; the last row of r has no next one.
                    bool exact = outWidth < lanes || (n == count - 1 && oy == outHeight - 1);
                    int j = 0;
                    for (; j < outWidth && (!exact || j + lanes <= outWidth); j += lanes)
                        new Vector<float>(xp, source + j).CopyTo(cols, target + j);
                    for (; j < outWidth; j++) cols[target + j] = xp[source + j];
                }
            }
        }
    }

    private static readonly Vector<int> LaneIndex = new(Enumerable.Range(0, Vector<int>.Count).ToArray());

    // Stride 1: accumulate each image channel in a zero-padded scratch plane with whole vectors (the lanes
    // past a row's end are masked to zero), then crop the padding away.
    private static void FoldStride1(Matrix columns, int firstSample, int count, ConvGeometry g, Matrix images)
    {
        int channels = g.Input.Channels, height = g.Input.Height, width = g.Input.Width, pad = g.Padding;
        int paddedWidth = width + 2 * pad, paddedPlane = (height + 2 * pad) * paddedWidth;
        int k = g.Kernel, outHeight = g.OutputHeight, outWidth = g.OutputWidth, plane = g.OutputPlane;
        int positions = count * plane, lanes = Vector<float>.Count;
        float[] x = images.Data, cols = columns.Data;
        var tailMask = Vector.LessThan(LaneIndex, new Vector<int>(outWidth % lanes == 0 ? lanes : outWidth % lanes));

        float[] acc = new float[paddedPlane + lanes];
        for (int item = 0; item < count * channels; item++)
        {
            int n = item / channels, c = item % channels;
            Array.Clear(acc);
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                {
                    int source = ((c * k + ky) * k + kx) * positions + n * plane;
                    int target = ky * paddedWidth + kx;
                    for (int oy = 0; oy < outHeight; oy++, source += outWidth, target += paddedWidth)
                    {
                        int j = 0;
                        for (; j + lanes <= outWidth; j += lanes)
                            (new Vector<float>(acc, target + j) + new Vector<float>(cols, source + j)).CopyTo(acc, target + j);
                        if (j < outWidth)
                        {
                            if (source + j + lanes <= cols.Length)
                            {
                                var tail = Vector.ConditionalSelect(tailMask, new Vector<float>(cols, source + j), Vector<float>.Zero);
                                (new Vector<float>(acc, target + j) + tail).CopyTo(acc, target + j);
                            }
                            else
                                for (; j < outWidth; j++) acc[target + j] += cols[source + j];
                        }
                    }
                }
            int plane0 = (firstSample + n) * g.Input.Size + c * g.Input.Plane;
            for (int y = 0; y < height; y++)
                acc.AsSpan((y + pad) * paddedWidth + pad, width).CopyTo(x.AsSpan(plane0 + y * width, width));
        }
    }

    private static void CheckBatch(Matrix images, int firstSample, int count, ConvGeometry g)
    {
        if (images.Cols != g.Input.Size)
            throw new ArgumentException($"Images of shape {g.Input} need {g.Input.Size} columns, got {images.Shape}.", nameof(images));
        if (firstSample < 0 || count < 0 || firstSample + count > images.Rows)
            throw new ArgumentOutOfRangeException(nameof(count), $"Samples {firstSample}..{firstSample + count - 1} are outside a batch of {images.Rows}.");
    }
}

namespace NeuralNet.Tensors;

/// <summary>
/// Matrix products, the work-horse of every dense layer: C = A·B, C = Aᵀ·B and C = A·Bᵀ.
/// Transposes are never materialised: the kernels read A or B in the transposed order instead.
/// </summary>
/// <remarks>
/// All three entry points check shapes and then call one kernel, <see cref="GemmKernel"/>, so that the
/// fast code lives in one place. <see cref="ReferenceGemm"/> keeps the textbook triple loop that tests
/// compare against.
/// </remarks>
public static class Gemm
{
    /// <summary>C = A·B, or C += A·B when <paramref name="accumulate"/> is true. A is m x k, B is k x n, C is m x n.</summary>
    public static void Multiply(Matrix a, Matrix b, Matrix c, bool accumulate = false)
    {
        RequireShapes("A·B", a.Rows, a.Cols, b.Rows, b.Cols, a, b, c);
        GemmKernel.Run(transposeA: false, transposeB: false, a.Rows, b.Cols, a.Cols, a.Data, b.Data, c.Data, accumulate);
    }

    /// <summary>C = Aᵀ·B (or C += Aᵀ·B). A is k x m, B is k x n, C is m x n. Used for weight gradients: dW = Xᵀ·dZ.</summary>
    public static void MultiplyTransposeA(Matrix a, Matrix b, Matrix c, bool accumulate = false)
    {
        RequireShapes("Aᵀ·B", a.Cols, a.Rows, b.Rows, b.Cols, a, b, c);
        GemmKernel.Run(transposeA: true, transposeB: false, a.Cols, b.Cols, a.Rows, a.Data, b.Data, c.Data, accumulate);
    }

    /// <summary>C = A·Bᵀ (or C += A·Bᵀ). A is m x k, B is n x k, C is m x n. Used for input gradients: dX = dZ·Wᵀ.</summary>
    public static void MultiplyTransposeB(Matrix a, Matrix b, Matrix c, bool accumulate = false)
    {
        RequireShapes("A·Bᵀ", a.Rows, a.Cols, b.Cols, b.Rows, a, b, c);
        GemmKernel.Run(transposeA: false, transposeB: true, a.Rows, b.Rows, a.Cols, a.Data, b.Data, c.Data, accumulate);
    }

    /// <summary>
    /// C = A·Bᵀ where <paramref name="positiveWhere"/> &gt; 0, else 0 (a mask applied to each tile while it is still in
    /// registers): a dense layer's input gradient times the derivative of the ReLU before it, in one pass. The
    /// same bits as the product followed by <see cref="VectorKernels.ReluBackward"/>.
    /// </summary>
    /// <remarks>Without a mask (null), the plain product; <paramref name="split"/> as in <see cref="ProductSplit"/>.</remarks>
    internal static void MultiplyTransposeB(Matrix a, Matrix b, Matrix c, Matrix? positiveWhere, ProductSplit split = ProductSplit.Cheapest)
    {
        RequireShapes("A·Bᵀ", a.Rows, a.Cols, b.Cols, b.Rows, a, b, c);
        if (positiveWhere != null && (positiveWhere.Rows != c.Rows || positiveWhere.Cols != c.Cols))
            throw new ArgumentException($"A·Bᵀ masked: the mask must be {c.Shape} like C, but is {positiveWhere.Shape}.", nameof(positiveWhere));
        GemmKernel.Run(transposeA: false, transposeB: true, a.Rows, b.Rows, a.Cols, a.Data, b.Data, c.Data, accumulate: false,
            bias: default, relu: false, positiveWhere?.Data, split);
    }

    /// <summary>
    /// C = A·B + bias, the bias row (1 x n) added to every row of C inside the product (a fused epilogue:
    /// no second pass over C). A is m x k, B is k x n, C is m x n.
    /// </summary>
    /// <remarks>With <paramref name="relu"/>, C = max(A·B + bias, 0): a dense layer and its ReLU in one pass (each
    /// tile rectified while still in registers, on the thread that computed it); the same bits as the product
    /// followed by <see cref="VectorKernels.ReluForward"/>.</remarks>
    internal static void MultiplyAddRow(Matrix a, Matrix b, Matrix bias, Matrix c, bool relu = false, ProductSplit split = ProductSplit.Cheapest)
    {
        RequireShapes("A·B + bias", a.Rows, a.Cols, b.Rows, b.Cols, a, b, c);
        if (bias.Rows != 1 || bias.Cols != c.Cols)
            throw new ArgumentException($"A·B + bias: the bias must be 1x{c.Cols}, but is {bias.Shape}.", nameof(bias));
        GemmKernel.Run(transposeA: false, transposeB: false, a.Rows, b.Cols, a.Cols, a.Data, b.Data, c.Data, accumulate: false, bias.Span, relu,
            positiveWhere: null, split);
    }

    // (opRows x opInner) times (opInner2 x opCols): the operands as the product sees them, after any transpose.
    private static void RequireShapes(string product, int opRows, int opInner, int opInner2, int opCols, Matrix a, Matrix b, Matrix c)
    {
        if (opInner != opInner2)
            throw new ArgumentException($"{product}: inner dimensions differ (A is {a.Shape}, B is {b.Shape}).");
        if (c.Rows != opRows || c.Cols != opCols)
            throw new ArgumentException($"{product}: C must be {opRows}x{opCols} for A {a.Shape} and B {b.Shape}, but is {c.Shape}.");
        if (ReferenceEquals(c, a) || ReferenceEquals(c, b))
            throw new ArgumentException($"{product}: C must not be the same matrix as A or B.");
    }
}

/// <summary>How a product's threads share its output C when there are several.</summary>
internal enum ProductSplit
{
    /// <summary>By rows or by columns of C, whichever copies less (each thread packs the operand it does not split).</summary>
    Cheapest,

    /// <summary>
    /// For C = A·B + bias with a large B (a dense layer's forward product, B = W): two threads cut the inner
    /// dimension in two (<see cref="GemmKernel.InnerSplit"/>) and pass C's row panels along, the first summing
    /// p in the first half, the second continuing the same sums over the second half; the same bits as one thread.
    /// Each core then reads only its half of W's rows, which are the rows of dW it computes and the half of W the
    /// optimiser updates on it, so W never moves between the cores' caches (with a split by rows, both cores read
    /// all of W and the update's writes wait on the other core's copies: Adam on W₁ measured 39 µs alone, 105 µs
    /// after a two-thread forward).
    /// </summary>
    InnerPipeline,
}

namespace NeuralNet.Tensors;

/// <summary>Row and column operations the layers share: summing columns, argmax per row.</summary>
public static class MatrixOps
{
    /// <summary>columnSums (1 x n) = Σ over rows of <paramref name="matrix"/> (m x n); the bias gradient db = Σᵢ dZᵢ.</summary>
    public static void SumColumns(Matrix matrix, Matrix columnSums)
    {
        if (columnSums.Rows != 1 || columnSums.Cols != matrix.Cols)
            throw new ArgumentException($"Column sums of a {matrix.Shape} matrix need a 1x{matrix.Cols} result, got {columnSums.Shape}.", nameof(columnSums));
        Span<float> sums = columnSums.Span;
        sums.Clear();
        for (int r = 0; r < matrix.Rows; r++)
            Add(matrix.Row(r), sums);
    }

    /// <summary>The column index of the largest value in each row (the predicted class of each sample).</summary>
    public static int[] ArgMaxRows(Matrix matrix)
    {
        int[] result = new int[matrix.Rows];
        ArgMaxRows(matrix, result);
        return result;
    }

    /// <summary>Writes the argmax of each row into <paramref name="result"/> (no allocation).</summary>
    public static void ArgMaxRows(Matrix matrix, Span<int> result)
    {
        for (int r = 0; r < matrix.Rows; r++)
        {
            ReadOnlySpan<float> row = matrix.Row(r);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
                if (row[c] > row[best]) best = c;
            result[r] = best;
        }
    }

    /// <summary>y += x, element by element.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException($"y has {y.Length} elements, x has {x.Length}.", nameof(y));
        VectorKernels.Add(x, y[..x.Length]);
    }

    /// <summary>The sum of squares of all elements (for gradient norms and weight decay).</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        return VectorKernels.SumOfSquares(x);
    }
}

using System.Text;

namespace NeuralNet.Tensors;

/// <summary>
/// A dense matrix of <see cref="float"/> stored row-major: element (r, c) lives at <c>Data[r * Cols + c]</c>.
/// A matrix is the only tensor the library needs: a mini-batch is a matrix with one sample per row.
/// </summary>
/// <remarks>
/// The backing array may be larger than <c>Rows * Cols</c> so that a buffer sized for a full batch can be
/// reshaped for a smaller last batch without allocating (see <see cref="Reshape"/>).
/// </remarks>
public sealed class Matrix
{
    private float[] data;

    /// <summary>Creates a zero-filled matrix of the given shape.</summary>
    public Matrix(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Rows = rows;
        Cols = cols;
        data = new float[checked(rows * cols)];
    }

    /// <summary>Wraps an existing row-major array (not copied). Its length must be at least rows * cols.</summary>
    public Matrix(int rows, int cols, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < (long)rows * cols)
            throw new ArgumentException($"A {rows}x{cols} matrix needs {rows * cols} values but the array has {data.Length}.", nameof(data));
        Rows = rows;
        Cols = cols;
        this.data = data;
    }

    /// <summary>Number of rows (for a batch: the number of samples).</summary>
    public int Rows { get; private set; }

    /// <summary>Number of columns (for a batch: the number of features).</summary>
    public int Cols { get; private set; }

    /// <summary>Number of elements, <c>Rows * Cols</c>.</summary>
    public int Length => Rows * Cols;

    /// <summary>The backing array. It may be longer than <see cref="Length"/>; use <see cref="Span"/> for the live part.</summary>
    public float[] Data => data;

    /// <summary>The <c>Rows * Cols</c> live elements, row-major.</summary>
    public Span<float> Span => data.AsSpan(0, Rows * Cols);

    /// <summary>Element at row <paramref name="row"/>, column <paramref name="col"/>.</summary>
    public float this[int row, int col]
    {
        get => data[Index(row, col)];
        set => data[Index(row, col)] = value;
    }

    /// <summary>One row as a span (no copy).</summary>
    public Span<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside 0..{Rows - 1}.");
        return data.AsSpan(row * Cols, Cols);
    }

    /// <summary>A copy of one row as an array (a span cannot be kept in a notebook's top-level variable; an array can).</summary>
    public float[] RowToArray(int row) => Row(row).ToArray();

    /// <summary>Short shape text such as <c>64x784</c>, used in error messages.</summary>
    public string Shape => $"{Rows}x{Cols}";

    /// <summary>
    /// Changes the shape in place. Keeps the backing array when it is large enough (no allocation), so a
    /// buffer sized for the largest batch serves every smaller one. Contents are not preserved meaningfully.
    /// </summary>
    public void Reshape(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        int needed = checked(rows * cols);
        if (needed > data.Length) data = new float[needed];
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Returns <paramref name="buffer"/> reshaped to (rows, cols), creating it if it is null.</summary>
    public static Matrix Ensure(ref Matrix? buffer, int rows, int cols)
    {
        if (buffer is null) buffer = new Matrix(rows, cols);
        else buffer.Reshape(rows, cols);
        return buffer;
    }

    /// <summary>Builds a matrix from a rectangular array (handy in tests and chapters).</summary>
    public static Matrix FromArray(float[,] values)
    {
        var m = new Matrix(values.GetLength(0), values.GetLength(1));
        for (int r = 0; r < m.Rows; r++)
            for (int c = 0; c < m.Cols; c++)
                m[r, c] = values[r, c];
        return m;
    }

    /// <summary>Builds a 1 x n row matrix.</summary>
    public static Matrix RowVector(params float[] values) => new(1, values.Length, (float[])values.Clone());

    /// <summary>Copies the live elements into a new rectangular array.</summary>
    public float[,] ToArray()
    {
        float[,] result = new float[Rows, Cols];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Cols; c++)
                result[r, c] = this[r, c];
        return result;
    }

    /// <summary>A deep copy with a tight backing array.</summary>
    public Matrix Clone() => new(Rows, Cols, Span.ToArray());

    /// <summary>Copies this matrix's values into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyTo(Matrix destination)
    {
        RequireSameShape(this, destination, nameof(destination));
        Span.CopyTo(destination.Span);
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(float value) => Span.Fill(value);

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>Throws when two matrices differ in shape; the message names both shapes.</summary>
    public static void RequireSameShape(Matrix expected, Matrix actual, string argumentName)
    {
        if (expected.Rows != actual.Rows || expected.Cols != actual.Cols)
            throw new ArgumentException($"Shape mismatch: expected {expected.Shape}, got {actual.Shape}.", argumentName);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        const int shown = 6;
        var text = new StringBuilder($"Matrix {Shape}");
        for (int r = 0; r < Math.Min(Rows, shown); r++)
        {
            text.Append("\n  [");
            for (int c = 0; c < Math.Min(Cols, shown); c++)
                text.Append(c == 0 ? "" : ", ").Append(this[r, c].ToString("0.####", System.Globalization.CultureInfo.InvariantCulture));
            text.Append(Cols > shown ? ", ...]" : "]");
        }
        if (Rows > shown) text.Append("\n  ...");
        return text.ToString();
    }

    private int Index(int row, int col)
    {
        if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
            throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {col}) is outside a {Shape} matrix.");
        return row * Cols + col;
    }
}

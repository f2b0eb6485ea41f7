using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>A trainable tensor and the gradient of the loss with respect to it, side by side.</summary>
public sealed class Parameter
{
    // Floats the parameters created on this thread may still take, while a loader has set a limit (null: no limit).
    [ThreadStatic] private static AllocationLimit? limit;

    /// <summary>Creates a parameter of the given shape with a zero gradient of the same shape.</summary>
    public Parameter(string name, Matrix value)
    {
        Name = name;
        Value = value;
        Gradient = new Matrix(value.Rows, value.Cols);
    }

    /// <summary>
    /// Creates a <paramref name="rows"/> x <paramref name="cols"/> parameter of zeros. Inside
    /// <see cref="LimitAllocation"/> the size is checked against the limit before anything is allocated.
    /// </summary>
    public Parameter(string name, int rows, int cols) : this(name, Allocate(name, rows, cols)) { }

    /// <summary>
    /// Limits the parameters created on this thread, until the result is disposed, to
    /// <paramref name="floats"/> values in all: a model loader passes what the file holds, so settings that
    /// ask for more fail with a <see cref="FormatException"/> naming <paramref name="owner"/> before allocating.
    /// </summary>
    public static IDisposable LimitAllocation(long floats, string owner) => limit = new AllocationLimit(floats, owner, limit);

    /// <summary>The parameter's name within its layer, e.g. <c>W</c> or <c>b</c>.</summary>
    public string Name { get; }

    /// <summary>The current values, updated in place by an optimiser.</summary>
    public Matrix Value { get; }

    /// <summary>
    /// Whether weight decay applies. Weights yes; biases and batch-norm scales and shifts (<c>b</c>,
    /// <c>gamma</c>, <c>beta</c>) no: they set offsets and scales, and pulling them to zero only hurts.
    /// </summary>
    public bool Decays => Name is not ("b" or "gamma" or "beta");

    /// <summary>∂L/∂Value from the last backward pass.</summary>
    public Matrix Gradient { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Value.Shape}";

    private static Matrix Allocate(string name, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        long floats = (long)rows * cols;   // cannot overflow: both are below 2^31
        if (limit is { } active)
        {
            if (floats > active.Remaining)
                throw new FormatException($"{active.Owner}: its settings ask for parameter {name} of {rows}x{cols} = {floats:N0} values, " +
                                          $"but the file holds only {active.Remaining:N0} more for this layer.");
            active.Remaining -= floats;
        }
        if (floats > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(cols), $"Parameter {name} of {rows}x{cols} = {floats:N0} values is larger than an array can be ({Array.MaxLength:N0}).");
        return new Matrix(rows, cols);
    }

    private sealed class AllocationLimit(long floats, string owner, AllocationLimit? outer) : IDisposable
    {
        public long Remaining { get; set; } = floats;

        public string Owner { get; } = owner;

        public void Dispose() => limit = outer;
    }
}

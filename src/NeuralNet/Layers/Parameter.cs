using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>A trainable tensor and the gradient of the loss with respect to it, side by side.</summary>
public sealed class Parameter
{
    // Floats the parameters created on this thread may still take, while a loader has set a limit (null: no limit).
    [ThreadStatic] private static AllocationLimit? limit;

    /// <summary>
    /// Creates a zero parameter of <paramref name="rows"/> x <paramref name="cols"/> and its zero gradient.
    /// Layers allocate their parameters here and nowhere else, so this is the one place that sizes them;
    /// inside <see cref="LimitAllocation"/> the size is checked against the limit before anything is allocated.
    /// </summary>
    /// <param name="name">The parameter's name within its layer, e.g. <c>W</c>; the model file stores it.</param>
    /// <param name="rows">Rows of the value (and of the gradient).</param>
    /// <param name="cols">Columns of the value.</param>
    /// <param name="decays">Whether weight decay applies (see <see cref="Decays"/>).</param>
    public Parameter(string name, int rows, int cols, bool decays = true)
    {
        Name = name;
        Value = Allocate(name, rows, cols);
        Gradient = new Matrix(rows, cols);
        Decays = decays;
    }

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
    /// Whether weight decay applies, as the layer decided when it created the parameter. Weights yes; biases
    /// and batch-norm scales and shifts no: they set offsets and scales, and pulling them to zero only hurts.
    /// </summary>
    public bool Decays { get; }

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

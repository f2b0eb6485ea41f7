using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>A trainable tensor and the gradient of the loss with respect to it, side by side.</summary>
public sealed class Parameter
{
    /// <summary>
    /// Creates a zero parameter of <paramref name="rows"/> x <paramref name="cols"/> and its zero gradient.
    /// Layers allocate their parameters here and nowhere else, so this is the one place that sizes them;
    /// with a <paramref name="budget"/> the size is checked against it before anything is allocated.
    /// </summary>
    /// <param name="name">The parameter's name within its layer, e.g. <c>W</c>; the model file stores it.</param>
    /// <param name="rows">Rows of the value (and of the gradient).</param>
    /// <param name="cols">Columns of the value.</param>
    /// <param name="decays">Whether weight decay applies (see <see cref="Decays"/>).</param>
    /// <param name="budget">What a model loader allows this layer's parameters to take (null: no limit).</param>
    public Parameter(string name, int rows, int cols, bool decays = true, ParameterBudget? budget = null)
    {
        Name = name;
        Value = Allocate(name, rows, cols, budget);
        Gradient = new Matrix(rows, cols);
        Decays = decays;
    }

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

    private static Matrix Allocate(string name, int rows, int cols, ParameterBudget? budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        long floats = (long)rows * cols;   // cannot overflow: both are below 2^31
        budget?.Take(name, rows, cols);
        if (floats > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(cols), $"Parameter {name} of {rows}x{cols} = {floats:N0} values is larger than an array can be ({Array.MaxLength:N0}).");
        return new Matrix(rows, cols);
    }
}

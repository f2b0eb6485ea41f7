using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>A trainable tensor and the gradient of the loss with respect to it, side by side.</summary>
public sealed class Parameter
{
    /// <summary>Creates a parameter of the given shape with a zero gradient of the same shape.</summary>
    public Parameter(string name, Matrix value)
    {
        Name = name;
        Value = value;
        Gradient = new Matrix(value.Rows, value.Cols);
    }

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
}

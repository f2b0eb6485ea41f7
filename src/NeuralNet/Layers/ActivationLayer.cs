using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// Base for element-wise activations a = f(z). Forward keeps z and a; Backward multiplies the incoming
/// gradient by f'(z) element by element: dZ = dA ⊙ f'(z).
/// </summary>
public abstract class ActivationLayer : ILayer
{
    private Matrix? input;
    private Matrix? output;
    private Matrix? inputGradient;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public int? InputSize => null;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>The model file's description: the class name, plus any settings a subclass adds by overriding.</summary>
    public virtual LayerSpec Spec => new(GetType().Name);

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) => inputSize;

    /// <summary>a = f(z) for each element.</summary>
    protected abstract void Activate(ReadOnlySpan<float> z, Span<float> a);

    /// <summary>dZ = dA ⊙ f'(z), given z, a = f(z) (often the cheaper way to the derivative) and dA.</summary>
    protected abstract void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ);

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        this.input = input;
        var a = Matrix.Ensure(ref output, input.Rows, input.Cols);
        Activate(input.Span, a.Span);
        return a;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        Matrix z = input ?? throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        Matrix.RequireSameShape(z, outputGradient, nameof(outputGradient));
        var dz = Matrix.Ensure(ref inputGradient, z.Rows, z.Cols);
        Differentiate(z.Span, output!.Span, outputGradient.Span, dz.Span);
        return dz;
    }
}

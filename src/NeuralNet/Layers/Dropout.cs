using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// Inverted dropout: while training, each value is zeroed with probability p and the survivors are scaled
/// by 1 / (1 − p), so the expected output equals the input; at inference the layer passes its input through
/// unchanged. Each unit learns not to rely on any particular other unit, which reduces overfitting.
/// </summary>
/// <remarks>The masks come from a <see cref="Random"/> seeded once, so the same seed gives the same run.</remarks>
public sealed class Dropout : ILayer
{
    private readonly Random random;
    private float[] mask = [];     // 0 or 1/(1−p) per element of the last training batch
    private bool lastWasTraining;
    private Matrix? output;
    private Matrix? inputGradient;

    /// <summary>Creates a dropout layer that drops each value with probability <paramref name="rate"/>.</summary>
    public Dropout(double rate, int seed = 42)
    {
        if (rate is < 0 or >= 1 || double.IsNaN(rate))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        Rate = rate;
        Seed = seed;
        random = new Random(seed);
    }

    /// <summary>The probability p of dropping a value.</summary>
    public double Rate { get; }

    /// <summary>The seed of the mask generator.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public string Name => $"Dropout({Rate.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)})";

    /// <inheritdoc/>
    public int? InputSize => null;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public LayerSpec Spec => LayerSpec.Of(nameof(Dropout), ("rate", Rate), ("seed", Seed));

    /// <summary>Rebuilds the layer from its model-file spec.</summary>
    public static Dropout FromSpec(LayerSpec spec) => new(spec.GetDouble("rate"), spec.GetInt("seed"));

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) => inputSize;

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        lastWasTraining = training && Rate > 0;
        if (!lastWasTraining) return input;
        var y = Matrix.Ensure(ref output, input.Rows, input.Cols);
        int length = input.Length;
        if (mask.Length < length) mask = new float[length];
        float keep = (float)(1 - Rate), scale = 1f / keep;
        ReadOnlySpan<float> x = input.Span;
        Span<float> a = y.Span;
        for (int i = 0; i < length; i++)
        {
            // m = 1/(1−p) with probability 1−p, else 0;  a = x ⊙ m
            mask[i] = random.NextSingle() < keep ? scale : 0f;
            a[i] = x[i] * mask[i];
        }
        return y;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        if (!lastWasTraining) return outputGradient;
        if (output is null || outputGradient.Rows != output.Rows || outputGradient.Cols != output.Cols)
            throw new ShapeMismatchException($"{Name}: gradient must be {output?.Shape}, got {outputGradient.Shape}.");
        // dX = dA ⊙ m
        var dx = Matrix.Ensure(ref inputGradient, outputGradient.Rows, outputGradient.Cols);
        ReadOnlySpan<float> dy = outputGradient.Span;
        Span<float> d = dx.Span;
        for (int i = 0; i < d.Length; i++) d[i] = dy[i] * mask[i];
        return dx;
    }
}

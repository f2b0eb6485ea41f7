using System.Globalization;
using NeuralNet.Tensors;

namespace NeuralNet.Layers;

/// <summary>
/// Batch normalisation (Ioffe &amp; Szegedy, 2015): each feature (or, for images, each channel over all its
/// positions) is shifted and scaled to mean 0 and variance 1 over the batch, then given a learned scale γ
/// and shift β: x̂ = (x − μ_B) / √(σ²_B + ε), y = γ·x̂ + β. Inference uses running averages of μ and σ²
/// collected during training instead of the batch's.
/// </summary>
/// <remarks>
/// With M values per channel in the batch, the gradient is
/// dx = γ / (M·√(σ² + ε)) · (M·dy − Σdy − x̂·Σ(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy.
/// The running averages follow PyTorch: r ← (1 − momentum)·r + momentum·batch value, with the unbiased
/// variance. They are not trained parameters but <see cref="IHasState"/> state, saved in the model file.
/// </remarks>
public sealed class BatchNorm : ILayer, IHasState
{
    private readonly int channels, plane;
    // Working buffers, allocated at the first forward pass (not when a model file is read):
    private float[] mean = [], inverseStd = [];  // per channel, of the last forward pass
    private double[] sumA = [], sumB = [];       // per-channel sums, reused by every pass
    private Matrix? normalized;                 // x̂
    private Matrix? output;
    private Matrix? inputGradient;
    private bool lastWasTraining;

    /// <summary>Batch normalisation for a dense layer's <paramref name="features"/> outputs.</summary>
    /// <param name="budget">What a model loader allows γ and β to take (see <see cref="LayerSpec.Budget"/>).</param>
    public BatchNorm(int features, double momentum = 0.1, double epsilon = 1e-5, ParameterBudget? budget = null)
        : this(features, 1, momentum, epsilon, null, budget) { }

    /// <summary>Batch normalisation for images: one γ, β and mean per channel, over all positions.</summary>
    /// <param name="budget">What a model loader allows γ and β to take (see <see cref="LayerSpec.Budget"/>).</param>
    public BatchNorm(ImageShape shape, double momentum = 0.1, double epsilon = 1e-5, ParameterBudget? budget = null)
        : this(shape.Channels, shape.Plane, momentum, epsilon, shape, budget) { }

    private BatchNorm(int channels, int plane, double momentum, double epsilon, ImageShape? shape, ParameterBudget? budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (!(momentum is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in (0, 1].");
        if (!(epsilon > 0 && double.IsFinite(epsilon))) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive and finite.");
        this.channels = channels;
        this.plane = plane;
        Shape = shape;
        Momentum = momentum;
        Epsilon = epsilon;
        Gamma = new Parameter("gamma", 1, channels, decays: false, budget: budget);
        Gamma.Value.Fill(1f);
        Beta = new Parameter("beta", 1, channels, decays: false, budget: budget);
        Parameters = [Gamma, Beta];
        RunningMean = new Matrix(1, channels);
        RunningVariance = new Matrix(1, channels);
        RunningVariance.Fill(1f);
        State = [new StateTensor("running_mean", RunningMean), new StateTensor("running_var", RunningVariance)];
    }

    /// <summary>The image shape for the convolutional form; null for the dense form.</summary>
    public ImageShape? Shape { get; }

    /// <summary>Number of normalised features (dense) or channels (images).</summary>
    public int Channels => channels;

    /// <summary>Weight of the current batch in the running averages.</summary>
    public double Momentum { get; }

    /// <summary>ε, added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>γ, the learned scale, 1 x channels (starts at 1).</summary>
    public Parameter Gamma { get; }

    /// <summary>β, the learned shift, 1 x channels (starts at 0).</summary>
    public Parameter Beta { get; }

    /// <summary>Running mean per channel, used at inference.</summary>
    public Matrix RunningMean { get; }

    /// <summary>Running (unbiased) variance per channel, used at inference.</summary>
    public Matrix RunningVariance { get; }

    /// <inheritdoc/>
    public IReadOnlyList<StateTensor> State { get; }

    /// <inheritdoc/>
    public string Name => Shape is ImageShape s ? $"BatchNorm({s})" : $"BatchNorm({channels})";

    /// <inheritdoc/>
    public int? InputSize => channels * plane;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public LayerSpec Spec
    {
        get
        {
            var settings = new Dictionary<string, string>
            {
                ["momentum"] = Momentum.ToString("R", CultureInfo.InvariantCulture),
                ["epsilon"] = Epsilon.ToString("R", CultureInfo.InvariantCulture),
            };
            if (Shape is ImageShape s)
            {
                settings["channels"] = s.Channels.ToString(CultureInfo.InvariantCulture);
                settings["height"] = s.Height.ToString(CultureInfo.InvariantCulture);
                settings["width"] = s.Width.ToString(CultureInfo.InvariantCulture);
            }
            else settings["features"] = channels.ToString(CultureInfo.InvariantCulture);
            return new LayerSpec(nameof(BatchNorm), settings);
        }
    }

    /// <summary>Rebuilds the layer from its model-file spec (dense or image form).</summary>
    public static BatchNorm FromSpec(LayerSpec spec)
    {
        double momentum = spec.GetDouble("momentum"), epsilon = spec.GetDouble("epsilon");
        return spec.Settings.ContainsKey("features")
            ? new BatchNorm(spec.GetInt("features"), momentum, epsilon, spec.Budget)
            : new BatchNorm(new ImageShape(spec.GetInt("channels"), spec.GetInt("height"), spec.GetInt("width")), momentum, epsilon, spec.Budget);
    }

    /// <inheritdoc/>
    public int OutputSizeFor(int inputSize) =>
        inputSize == channels * plane ? inputSize
            : throw new ShapeMismatchException($"{Name} expects {channels * plane} input values but receives {inputSize}.");

    /// <inheritdoc/>
    public Matrix Forward(Matrix input, bool training = false)
    {
        int width = channels * plane;
        if (input.Cols != width)
            throw new ShapeMismatchException($"{Name} expects input batch x {width} but got {input.Shape}.");
        int n = input.Rows;
        if (training && n * plane < 2)
            throw new ArgumentException($"{Name}: training needs at least 2 values per channel in a batch, got {n * plane}.", nameof(input));
        lastWasTraining = training;
        if (mean.Length != channels)
        {
            mean = new float[channels];
            inverseStd = new float[channels];
            sumA = new double[channels];
            sumB = new double[channels];
        }
        Span<float> runningMean = RunningMean.Span, runningVar = RunningVariance.Span;
        if (training)
        {
            // μ and σ² per channel over the batch (accumulated in double), then update the running averages.
            double count = (double)n * plane;
            double[] sums = sumA, squares = sumB;
            Array.Clear(sums);
            Array.Clear(squares);
            ReadOnlySpan<float> x = input.Span;
            for (int i = 0; i < n; i++)
                for (int c = 0; c < channels; c++)
                {
                    double s = 0;
                    foreach (float v in x.Slice((i * channels + c) * plane, plane)) s += v;
                    sums[c] += s;
                }
            for (int c = 0; c < channels; c++) mean[c] = (float)(sums[c] / count);
            for (int i = 0; i < n; i++)
                for (int c = 0; c < channels; c++)
                {
                    double s = 0, m = mean[c];
                    foreach (float v in x.Slice((i * channels + c) * plane, plane)) s += (v - m) * (v - m);
                    squares[c] += s;
                }
            float keep = (float)(1 - Momentum), take = (float)Momentum;
            for (int c = 0; c < channels; c++)
            {
                double variance = squares[c] / count;
                inverseStd[c] = (float)(1 / Math.Sqrt(variance + Epsilon));
                runningMean[c] = keep * runningMean[c] + take * mean[c];
                runningVar[c] = keep * runningVar[c] + take * (float)(variance * count / (count - 1));
            }
        }
        else
        {
            for (int c = 0; c < channels; c++)
            {
                mean[c] = runningMean[c];
                inverseStd[c] = (float)(1 / Math.Sqrt(runningVar[c] + Epsilon));
            }
        }

        // x̂ = (x − μ)·(1/√(σ² + ε));  y = γ·x̂ + β
        var xHat = Matrix.Ensure(ref normalized, n, width);
        var y = Matrix.Ensure(ref output, n, width);
        ReadOnlySpan<float> gamma = Gamma.Value.Span, beta = Beta.Value.Span, xs = input.Span;
        Span<float> xh = xHat.Span, ys = y.Span;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
            {
                int offset = (i * channels + c) * plane;
                float m = mean[c], s = inverseStd[c], g = gamma[c], b = beta[c];
                for (int j = offset; j < offset + plane; j++)
                {
                    xh[j] = (xs[j] - m) * s;
                    ys[j] = g * xh[j] + b;
                }
            }
        return y;
    }

    /// <inheritdoc/>
    public Matrix Backward(Matrix outputGradient, bool needInputGradient = true)
    {
        Matrix xHat = normalized ?? throw new InvalidOperationException($"{Name}: Backward called before Forward.");
        Matrix.RequireSameShape(xHat, outputGradient, nameof(outputGradient));
        int n = xHat.Rows;
        ReadOnlySpan<float> dy = outputGradient.Span, xh = xHat.Span, gamma = Gamma.Value.Span;
        Span<float> dGamma = Gamma.Gradient.Span, dBeta = Beta.Gradient.Span;

        // dβ = Σ dy, dγ = Σ dy·x̂ per channel
        double[] sumDy = sumA, sumDyXHat = sumB;
        Array.Clear(sumDy);
        Array.Clear(sumDyXHat);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
            {
                int offset = (i * channels + c) * plane;
                double s = 0, t = 0;
                for (int j = offset; j < offset + plane; j++)
                {
                    s += dy[j];
                    t += dy[j] * xh[j];
                }
                sumDy[c] += s;
                sumDyXHat[c] += t;
            }
        for (int c = 0; c < channels; c++)
        {
            dBeta[c] = (float)sumDy[c];
            dGamma[c] = (float)sumDyXHat[c];
        }
        if (!needInputGradient) return Matrix.Ensure(ref inputGradient, 0, 0);   // nobody reads dX: skip it

        var dx = Matrix.Ensure(ref inputGradient, n, channels * plane);
        Span<float> d = dx.Span;
        float count = (float)n * plane;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
            {
                int offset = (i * channels + c) * plane;
                float scale = gamma[c] * inverseStd[c];
                if (lastWasTraining)
                {
                    // dx = γ/(M·√(σ²+ε)) · (M·dy − Σdy − x̂·Σ(dy·x̂)): μ and σ² depend on x too.
                    float meanDy = (float)(sumDy[c] / count), meanDyXHat = (float)(sumDyXHat[c] / count);
                    for (int j = offset; j < offset + plane; j++)
                        d[j] = scale * (dy[j] - meanDy - xh[j] * meanDyXHat);
                }
                else
                {
                    // With the running statistics, the layer is an affine map: dx = γ/√(σ²+ε) · dy.
                    for (int j = offset; j < offset + plane; j++) d[j] = scale * dy[j];
                }
            }
        return dx;
    }
}

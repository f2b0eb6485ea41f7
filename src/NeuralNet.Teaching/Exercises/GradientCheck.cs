using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Exercises;

/// <summary>One row of a gradient check: a tensor (the layer's input or one of its parameters) and how far its analytic gradient is from the numeric one.</summary>
public sealed record GradientCheckRow(string Name, string Shape, int Checked, double MaxRelativeError);

/// <summary>
/// CS231n's gradient check for any layer: the analytic gradients of <see cref="ILayer.Backward"/> against central
/// finite differences of the probe loss L = Σ output ⊙ R (R fixed and random, so ∂L/∂output = R).
/// </summary>
/// <remarks>
/// The layers compute in float32, so the step is h = 1e-2: the rounding of L (≈ 1e-7·|L|) divided by 2h stays near
/// 1e-5, and the central difference's own error is O(h²). Right gradients then give relative errors of 1e-5 to 1e-3;
/// a wrong one (a missing factor, a transposed index) is off by O(1).
/// </remarks>
public static class GradientCheck
{
    /// <summary>The finite-difference step h.</summary>
    public const float Step = 1e-2f;

    /// <summary>
    /// Checks the input gradient and every parameter gradient of <paramref name="layer"/> at <paramref name="input"/>.
    /// A layer that draws random numbers in its forward pass (dropout) must draw the same ones every time:
    /// pass <paramref name="recreate"/>, which builds an identically seeded copy for each evaluation of L (only for
    /// layers without parameters).
    /// </summary>
    public static IReadOnlyList<GradientCheckRow> Layer(ILayer layer, Matrix input, Func<ILayer>? recreate = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        if (recreate is not null && layer.Parameters.Count > 0)
            throw new ArgumentException($"{layer.Name} has parameters: recreate is only for parameter-free layers such as dropout.", nameof(recreate));
        var random = new Random(seed);
        Matrix output = layer.Forward(input, training: true);
        var probe = new Matrix(output.Rows, output.Cols);
        for (int i = 0; i < probe.Length; i++) probe.Span[i] = (float)(random.NextDouble() * 2 - 1);
        double Loss()
        {
            Matrix y = (recreate?.Invoke() ?? layer).Forward(input, training: true);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += (double)y.Span[i] * probe.Span[i];
            return sum;
        }

        // The analytic gradients, copied before the finite differences run more forward passes.
        ILayer analyticLayer = recreate?.Invoke() ?? layer;
        analyticLayer.Forward(input, training: true);
        Matrix analyticInput = analyticLayer.Backward(probe).Clone();
        var analyticParameters = layer.Parameters.Select(p => p.Gradient.Clone()).ToList();

        var rows = new List<GradientCheckRow> { Row("input x", input, analyticInput, Loss) };
        for (int i = 0; i < layer.Parameters.Count; i++)
            rows.Add(Row(layer.Parameters[i].Name, layer.Parameters[i].Value, analyticParameters[i], Loss));
        return rows;
    }

    /// <summary>|a − n| / max(|a| + |n|, 1e-2): relative for large gradients, absolute near zero.</summary>
    public static double RelativeError(double analytic, double numeric) =>
        Math.Abs(analytic - numeric) / Math.Max(Math.Abs(analytic) + Math.Abs(numeric), 1e-2);

    private static GradientCheckRow Row(string name, Matrix variable, Matrix analytic, Func<double> loss) =>
        new(name, variable.Shape, variable.Length, MaxRelativeError(variable, analytic, loss));

    /// <summary>
    /// The largest <see cref="RelativeError"/> of <paramref name="analytic"/> against the central difference
    /// (L(x+h) − L(x−h)) / 2h of <paramref name="loss"/>, nudging each element of <paramref name="variable"/> in turn
    /// (and putting it back).
    /// </summary>
    public static double MaxRelativeError(Matrix variable, Matrix analytic, Func<double> loss)
    {
        double worst = 0;
        Span<float> values = variable.Span;
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            values[i] = original + Step;
            double plus = loss();
            values[i] = original - Step;
            double minus = loss();
            values[i] = original;
            worst = Math.Max(worst, RelativeError(analytic.Span[i], (plus - minus) / (2 * Step)));
        }
        return worst;
    }
}

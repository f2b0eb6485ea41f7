using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests;

/// <summary>
/// Compares analytic gradients with central finite differences, (L(x+h) − L(x−h)) / 2h, for the scalar
/// probe loss L = Σ output ⊙ R with a fixed random R (so ∂L/∂output = R).
/// </summary>
/// <remarks>
/// The layers compute in float. With h = 1e-2 the truncation error of the central difference is O(h²)
/// ≈ 1e-4 relative (smooth layers), and float rounding of L (≈ 1e-7·|L|, |L| ≲ 10) divided by 2h adds
/// ≈ 1e-5 absolute; the probe loss is summed in double. A relative error below 1e-2 therefore separates
/// "right" from "wrong" cleanly: a wrong gradient (a missing factor, a transposed index) is off by O(1).
/// </remarks>
public static class GradientCheck
{
    public const float Step = NeuralNet.Exercises.GradientCheck.Step;
    public const double Tolerance = 1e-2;

    /// <summary>
    /// Largest relative error over the input gradient and every parameter gradient of <paramref name="layer"/>,
    /// with the layer in training mode unless <paramref name="training"/> is false.
    /// </summary>
    public static double MaxRelativeError(ILayer layer, Matrix input, int seed = 1, bool training = true)
    {
        var random = new Random(seed);
        Matrix output = layer.Forward(input, training);
        Matrix probe = RandomMatrix(output.Rows, output.Cols, random);
        double Loss() => Dot(layer.Forward(input, training), probe);

        layer.Forward(input, training);
        Matrix analyticInput = layer.Backward(probe).Clone();
        var analyticParameters = layer.Parameters.Select(p => p.Gradient.Clone()).ToList();

        double worst = Compare(input, analyticInput, Loss);
        for (int i = 0; i < layer.Parameters.Count; i++)
            worst = Math.Max(worst, Compare(layer.Parameters[i].Value, analyticParameters[i], Loss));
        return worst;
    }

    /// <summary>Relative error of each element of <paramref name="analytic"/> against the numeric derivative of <paramref name="loss"/> w.r.t. <paramref name="variable"/> (the library's one finite-difference loop).</summary>
    public static double Compare(Matrix variable, Matrix analytic, Func<double> loss) =>
        NeuralNet.Exercises.GradientCheck.MaxRelativeError(variable, analytic, loss);

    /// <summary>|a − b| / max(|a| + |b|, 1e-2): relative for large gradients, absolute near zero.</summary>
    public static double RelativeError(double a, double b) => NeuralNet.Exercises.GradientCheck.RelativeError(a, b);

    public static Matrix RandomMatrix(int rows, int cols, Random random, float scale = 1f, float avoidBelow = 0f)
    {
        var m = new Matrix(rows, cols);
        Span<float> s = m.Span;
        for (int i = 0; i < s.Length; i++)
        {
            float v;
            do v = (float)(random.NextDouble() * 2 - 1) * scale;
            while (Math.Abs(v) < avoidBelow);
            s[i] = v;
        }
        return m;
    }

    public static double Dot(Matrix a, Matrix b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (double)a.Span[i] * b.Span[i];
        return sum;
    }
}

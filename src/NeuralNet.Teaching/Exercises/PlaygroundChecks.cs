using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Exercises;

/// <summary>Chapter 8's exercise: the decision boundary of a linear model with two inputs and two classes.</summary>
public static partial class Check
{
    /// <summary>
    /// Checks a function that returns (α, β, γ), as (A, B, C), of the line α·x₀ + β·x₁ + γ = 0 on which a <see cref="Linear"/>(2→2) layer is
    /// undecided (z₁ = z₀, so softmax gives p₁ = ½), for three layers with random weights and biases: two points of
    /// the returned line must give p₁ = ½ in the layer's own forward pass. Any multiple of the line is right too.
    /// </summary>
    public static CheckResult BoundaryLine(Func<Linear, (double A, double B, double C)> boundaryLine) => CheckResult.Run("boundary line", () =>
    {
        ArgumentNullException.ThrowIfNull(boundaryLine);
        var random = new Random(12);
        double largestGap = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            var layer = new Linear(2, 2);
            for (int i = 0; i < 4; i++) layer.Weights.Value.Data[i] = (float)(random.NextDouble() * 4 - 2);
            for (int k = 0; k < 2; k++) layer.Bias.Value.Data[k] = (float)(random.NextDouble() * 2 - 1);
            (double[,]? w, double[,]? bias) = (Numeric.FromMatrix(layer.Weights.Value), Numeric.FromMatrix(layer.Bias.Value));
            (double a, double b, double c) = boundaryLine(layer);

            if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(c))
                return CheckResult.Fail("boundary line", $"your line ({a:G4}, {b:G4}, {c:G4}) is not made of finite numbers.");
            if (a == 0 && b == 0)
                return CheckResult.Fail("boundary line", "α and β are both 0: that is not a line. α and β come from the weights, γ from the biases.");

            // z₁ − z₀ at two points of the line: the foot of the perpendicular from the origin, ± its direction (−b, a).
            double norm = a * a + b * b;
            var points = new Matrix(2, 2);
            for (int row = 0; row < 2; row++)
            {
                double t = row == 0 ? -1 : 1;
                points[row, 0] = (float)(-c * a / norm - t * b);
                points[row, 1] = (float)(-c * b / norm + t * a);
            }
            Matrix z = layer.Forward(points);
            double scale = 1 + Math.Abs(z[0, 0]) + Math.Abs(z[1, 0]);
            double gap = Math.Max(Math.Abs(z[0, 1] - z[0, 0]), Math.Abs(z[1, 1] - z[1, 0]));
            largestGap = Math.Max(largestGap, gap);
            if (gap <= 1e-4 * scale) continue;

            (double a, double b, double c) answer = (a, b, c);
            string hint =
                Proportional(answer, (w[1, 0] - w[0, 0], w[1, 1] - w[0, 1], bias[0, 1] - bias[0, 0]))
                    ? " You read W as w[class, input]; our Linear stores W as inputs x outputs, so the weight from input i to class k is w[i, k]."
                : Proportional(answer, (w[0, 1] - w[0, 0], w[1, 1] - w[1, 0], 0))
                    ? " The line has no γ: the biases shift it, γ = b₁ − b₀."
                : Proportional(answer, (w[0, 1] - w[0, 0], w[1, 1] - w[1, 0], bias[0, 0] - bias[0, 1]))
                    ? " α and β are right, γ has the wrong sign: it must come from the same difference, class 1 minus class 0."
                : " The line is z₁ = z₀: α = W₀₁ − W₀₀, β = W₁₁ − W₁₀, γ = b₁ − b₀ (W[i, k]: first index the input i = 0, 1, second the class k = 0, 1).";
            return CheckResult.Fail("boundary line",
                $"layer {trial + 1}: at two points of your line the layer gives z₁ − z₀ = {z[0, 1] - z[0, 0]:G4} and {z[1, 1] - z[1, 0]:G4}, not 0 (p₁ ≠ ½)." + hint);
        }
        return CheckResult.Pass("boundary line", $"on three random layers, two points of each of your lines get p₁ = ½ (largest |z₁ − z₀| {largestGap:E1}).");
    });

    // True when (a, b, c) is a non-zero multiple of (p, q, r): the same line.
    private static bool Proportional((double A, double B, double C) u, (double A, double B, double C) v)
    {
        double cx = u.B * v.C - u.C * v.B, cy = u.C * v.A - u.A * v.C, cz = u.A * v.B - u.B * v.A;
        double size = Math.Sqrt(u.A * u.A + u.B * u.B + u.C * u.C) * Math.Sqrt(v.A * v.A + v.B * v.B + v.C * v.C);
        return size > 0 && Math.Sqrt(cx * cx + cy * cy + cz * cz) <= 1e-9 * size;
    }
}

using NeuralNet.Layers;
using NeuralNet.Optimizers;

namespace NeuralNet.Exercises;

/// <summary>One Adam update of <paramref name="theta"/> in place, with its moments <paramref name="m"/> and <paramref name="s"/>; <paramref name="t"/> counts steps from 1.</summary>
public delegate void AdamUpdate(double[] theta, double[] m, double[] s, double[] gradient, int t,
    double learningRate, double beta1, double beta2, double epsilon);

/// <summary>Chapter 4's exercises: a momentum step and an Adam step, compared with the library's optimisers.</summary>
public static partial class Check
{
    /// <summary>
    /// Checks one momentum update in place, v ← μv + g then θ ← θ − ηv, over four steps against the library's
    /// <see cref="Momentum"/> optimiser and a double-precision reference.
    /// </summary>
    public static CheckResult MomentumStep(Action<double[], double[], double[], double, double> step) => CheckResult.Run("momentum step", () =>
    {
        ArgumentNullException.ThrowIfNull(step);
        const double eta = 0.1, mu = 0.9;
        var random = new Random(7);
        double[][] gradients = Enumerable.Range(0, 4).Select(_ => Numeric.RoundToFloat(Numeric.Vector(6, random))).ToArray();
        double[] start = Numeric.RoundToFloat(Numeric.Vector(6, random));

        (double[]? theta, double[]? velocity) = ((double[])start.Clone(), new double[6]);
        (double[]? expected, double[]? expectedVelocity) = ((double[])start.Clone(), new double[6]);
        (double[]? dampened, double[]? dampenedVelocity) = ((double[])start.Clone(), new double[6]);
        for (int t = 0; t < gradients.Length; t++)
        {
            step(theta, velocity, (double[])gradients[t].Clone(), eta, mu);
            for (int i = 0; i < 6; i++)
            {
                expectedVelocity[i] = mu * expectedVelocity[i] + gradients[t][i];
                expected[i] -= eta * expectedVelocity[i];
                dampenedVelocity[i] = mu * dampenedVelocity[i] + (1 - mu) * gradients[t][i];
                dampened[i] -= eta * dampenedVelocity[i];
            }
            if (Compare.Arrays($"after step {t + 1}, theta", expected, theta, 1e-9) is string problem)
            {
                string hint = Compare.Close(dampened, theta) ? " That is v ← μv + (1 − μ)g; this library (like PyTorch) uses v ← μv + g." :
                    t == 0 && Compare.Close(start.Select((v, i) => v - eta * gradients[0][i]).ToArray(), theta) && velocity.All(v => v == 0)
                        ? " θ moved by η·g but the velocity stayed 0: update v first, then step along it." :
                    " Update the velocity first, v ← μ·v + g, then the weights, θ ← θ − η·v.";
                return CheckResult.Fail("momentum step", problem + hint);
            }
        }

        var parameter = new Parameter("W", 1, 6);
        for (int i = 0; i < 6; i++) parameter.Value[0, i] = (float)start[i];
        var optimizer = new Momentum(eta, mu);
        foreach (double[] g in gradients)
        {
            for (int i = 0; i < 6; i++) parameter.Gradient[0, i] = (float)g[i];
            optimizer.Step([parameter]);
        }
        double largest = Enumerable.Range(0, 6).Max(i => Math.Abs(parameter.Value[0, i] - theta[i]));
        return CheckResult.Pass("momentum step", $"four steps match v ← μv + g, θ ← θ − ηv; the library's Momentum agrees to {largest:E1}.");
    });

    /// <summary>
    /// Checks one Adam update in place (with the bias corrections m̂ = m/(1−β₁ᵗ), ŝ = s/(1−β₂ᵗ)) over five steps
    /// against the library's <see cref="Adam"/> optimiser and a double-precision reference.
    /// </summary>
    public static CheckResult AdamStep(AdamUpdate step) => CheckResult.Run("Adam step", () =>
    {
        ArgumentNullException.ThrowIfNull(step);
        const double eta = 0.01, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        var random = new Random(8);
        double[][] gradients = Enumerable.Range(0, 5).Select(_ => Numeric.RoundToFloat(Numeric.Vector(6, random))).ToArray();
        double[] start = Numeric.RoundToFloat(Numeric.Vector(6, random));

        double[] theta = (double[])start.Clone(), m = new double[6], s = new double[6];
        double[] expected = (double[])start.Clone(), em = new double[6], es = new double[6];
        double[] uncorrected = (double[])start.Clone(), um = new double[6], us = new double[6];
        bool storedHats = false;   // after step 1, m or s held m̂ or ŝ instead of the running means
        for (int t = 1; t <= gradients.Length; t++)
        {
            double[] g = gradients[t - 1];
            step(theta, m, s, (double[])g.Clone(), t, eta, beta1, beta2, epsilon);
            for (int i = 0; i < 6; i++)
            {
                em[i] = beta1 * em[i] + (1 - beta1) * g[i];
                es[i] = beta2 * es[i] + (1 - beta2) * g[i] * g[i];
                expected[i] -= eta * (em[i] / (1 - Math.Pow(beta1, t))) / (Math.Sqrt(es[i] / (1 - Math.Pow(beta2, t))) + epsilon);
                um[i] = beta1 * um[i] + (1 - beta1) * g[i];
                us[i] = beta2 * us[i] + (1 - beta2) * g[i] * g[i];
                uncorrected[i] -= eta * um[i] / (Math.Sqrt(us[i]) + epsilon);
            }
            if (t == 1)
                storedHats = (!Compare.Close(em, m) && Compare.Close(em.Select(v => v / (1 - beta1)).ToArray(), m))
                          || (!Compare.Close(es, s) && Compare.Close(es.Select(v => v / (1 - beta2)).ToArray(), s));
            if (Compare.Arrays($"after step {t}, theta", expected, theta, 1e-9) is string problem)
            {
                string hint = storedHats
                    ? " Step 1 was right, but your m (or s) then held m̂ (or ŝ): m and s must stay the uncorrected running means, " +
                      "m ← β₁m + (1 − β₁)g; compute m̂ = m / (1 − β₁ᵗ) and ŝ in local variables for the step only."
                    : Compare.Close(uncorrected, theta)
                    ? " That is Adam without the bias correction: use m̂ = m / (1 − β₁ᵗ) and ŝ = s / (1 − β₂ᵗ) in the step."
                    : Compare.Close(em, m) && Compare.Close(es, s) ? " m and s are right; check the step θ ← θ − η·m̂ / (√ŝ + ε)."
                    : " First m ← β₁m + (1 − β₁)g and s ← β₂s + (1 − β₂)g², then the bias-corrected step.";
                return CheckResult.Fail("Adam step", problem + hint);
            }
        }

        var parameter = new Parameter("W", 1, 6);
        for (int i = 0; i < 6; i++) parameter.Value[0, i] = (float)start[i];
        var optimizer = new Adam(eta, beta1, beta2, epsilon);
        foreach (double[] g in gradients)
        {
            for (int i = 0; i < 6; i++) parameter.Gradient[0, i] = (float)g[i];
            optimizer.Step([parameter]);
        }
        double largest = Enumerable.Range(0, 6).Max(i => Math.Abs(parameter.Value[0, i] - theta[i]));
        return CheckResult.Pass("Adam step", $"five bias-corrected steps are right; the library's Adam (which folds the correction into the step size) agrees to {largest:E1}.");
    });
}

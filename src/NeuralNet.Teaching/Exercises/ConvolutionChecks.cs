using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Exercises;

/// <summary>Chapter 6's exercises: the backward passes of 2x2 max pooling and of batch normalisation.</summary>
public static partial class Check
{
    /// <summary>
    /// Checks the backward pass of 2x2 max pooling with stride 2 on one 6x6 channel (given the input x and dY,
    /// 3x3, return dX, 6x6) against finite differences in double precision and the library's <see cref="MaxPool2D"/>.
    /// </summary>
    public static CheckResult MaxPoolBackward(Func<double[,], double[,], double[,]> backward) => CheckResult.Run("max-pool backward", () =>
    {
        ArgumentNullException.ThrowIfNull(backward);
        var random = new Random(10);
        double[,] x = Numeric.RoundToFloat(Numeric.Matrix(6, 6, random));
        double[,] dY = Numeric.RoundToFloat(Numeric.Matrix(3, 3, random));
        double[,]? dX = backward((double[,])x.Clone(), (double[,])dY.Clone());

        double Loss()
        {
            double sum = 0;
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++)
                    sum += dY[r, c] * Math.Max(Math.Max(x[2 * r, 2 * c], x[2 * r, 2 * c + 1]), Math.Max(x[2 * r + 1, 2 * c], x[2 * r + 1, 2 * c + 1]));
            return sum;
        }
        double[,] numeric = Numeric.Gradient(x, Loss);
        if (Compare.Matrices("dX", numeric, dX, 1e-6) is string problem)
        {
            bool spread = dX is not null && dX.GetLength(0) == 6 && dX.GetLength(1) == 6
                && Enumerable.Range(0, 36).Count(i => dX[i / 6, i % 6] != 0) > 9;
            return CheckResult.Fail("max-pool backward", problem + (spread
                ? " More than one entry per 2x2 block got a gradient: only the largest value of each block (the winner) receives dY; the other three get 0."
                : " Each dY[r,c] goes to the position of the largest x in block (2r..2r+1, 2c..2c+1); everything else is 0."));
        }

        var pool = new MaxPool2D(new ImageShape(1, 6, 6), size: 2);
        pool.Forward(new Matrix(1, 36, Enumerable.Range(0, 36).Select(i => (float)x[i / 6, i % 6]).ToArray()), training: true);
        Matrix library = pool.Backward(new Matrix(1, 9, Enumerable.Range(0, 9).Select(i => (float)dY[i / 3, i % 3]).ToArray()));
        bool same = Enumerable.Range(0, 36).All(i => library[0, i] == (float)dX![i / 6, i % 6]);
        return CheckResult.Pass("max-pool backward", "dX matches finite differences (double)" + (same ? " and equals the library's MaxPool2D.Backward exactly." : "."));
    });

    /// <summary>
    /// Checks batch normalisation's backward pass in training mode (given x, B×F, γ and dY, return dX, dγ and dβ;
    /// ε = 1e-5, the batch variance divides by B) against finite differences in double precision and the
    /// library's <see cref="BatchNorm"/>.
    /// </summary>
    public static CheckResult BatchNormBackward(Func<double[,], double[], double[,], (double[,] dX, double[] dGamma, double[] dBeta)> backward) =>
        CheckResult.Run("batch-norm backward", () =>
    {
        ArgumentNullException.ThrowIfNull(backward);
        var random = new Random(11);
        double[,] x = Numeric.RoundToFloat(Numeric.Matrix(6, 3, random, 2));
        double[] gamma = Numeric.RoundToFloat(Numeric.Vector(3, random).Select(v => 1 + 0.5 * v).ToArray());
        double[] beta = new double[3];
        double[,] dY = Numeric.RoundToFloat(Numeric.Matrix(6, 3, random));
        (double[,]? dX, double[]? dGamma, double[]? dBeta) = backward((double[,])x.Clone(), (double[])gamma.Clone(), (double[,])dY.Clone());

        double Loss() => Numeric.Dot(BatchNormReference(x, gamma, beta), dY);
        double[,] numericX = Numeric.Gradient(x, Loss);
        double[] numericGamma = Numeric.Gradient(gamma, Loss);
        double[] numericBeta = Numeric.Gradient(beta, Loss);
        if (Compare.Arrays("dBeta", numericBeta, dBeta, 1e-6) is string wrongBeta)
            return CheckResult.Fail("batch-norm backward", wrongBeta + " dβ[f] = Σ_i dY[i,f].");
        if (Compare.Arrays("dGamma", numericGamma, dGamma, 1e-6) is string wrongGamma)
            return CheckResult.Fail("batch-norm backward", wrongGamma + " dγ[f] = Σ_i dY[i,f]·x̂[i,f].");
        if (Compare.Matrices("dX", numericX, dX, 1e-5) is string wrongX)
        {
            double[,] constant = new double[6, 3], withoutVariance = new double[6, 3];
            for (int f = 0; f < 3; f++)
            {
                double mean = Enumerable.Range(0, 6).Average(i => x[i, f]);
                double variance = Enumerable.Range(0, 6).Average(i => (x[i, f] - mean) * (x[i, f] - mean));
                double meanDy = Enumerable.Range(0, 6).Average(i => dY[i, f]);
                for (int i = 0; i < 6; i++)
                {
                    constant[i, f] = gamma[f] * dY[i, f] / Math.Sqrt(variance + 1e-5);
                    withoutVariance[i, f] = gamma[f] * (dY[i, f] - meanDy) / Math.Sqrt(variance + 1e-5);
                }
            }
            string hint = dX is not null && Compare.Close(constant, dX)
                ? " That is γ·dY/√(σ² + ε): it treats μ and σ² as constants, but they are computed from the batch, so every x[i,f] moves them too."
                : dX is not null && Compare.Close(withoutVariance, dX)
                ? " You have the path through the mean (− mean(dY)) but not the one through the variance: σ² also depends on every x[i,f], " +
                  "which adds − x̂·mean(dY·x̂) inside the bracket."
                : " dX = γ/√(σ² + ε) · (dY − mean(dY) − x̂·mean(dY·x̂)), the means taken over the batch for each feature.";
            return CheckResult.Fail("batch-norm backward", wrongX + hint);
        }

        var layer = new BatchNorm(3);
        for (int f = 0; f < 3; f++) layer.Gamma.Value[0, f] = (float)gamma[f];
        layer.Forward(Numeric.ToMatrix(x), training: true);
        double[,] library = Numeric.FromMatrix(layer.Backward(Numeric.ToMatrix(dY)));
        double largest = Enumerable.Range(0, 18).Max(i => Math.Abs(library[i / 3, i % 3] - dX![i / 3, i % 3]));
        return CheckResult.Pass("batch-norm backward", $"dX, dγ and dβ match finite differences (double); the library's BatchNorm agrees to {largest:E1}.");
    });

    internal static double[,] BatchNormReference(double[,] x, double[] gamma, double[] beta, double epsilon = 1e-5)
    {
        int rows = x.GetLength(0), features = x.GetLength(1);
        double[,] y = new double[rows, features];
        for (int f = 0; f < features; f++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < rows; i++) mean += x[i, f] / rows;
            for (int i = 0; i < rows; i++) variance += (x[i, f] - mean) * (x[i, f] - mean) / rows;
            for (int i = 0; i < rows; i++) y[i, f] = gamma[f] * (x[i, f] - mean) / Math.Sqrt(variance + epsilon) + beta[f];
        }
        return y;
    }
}

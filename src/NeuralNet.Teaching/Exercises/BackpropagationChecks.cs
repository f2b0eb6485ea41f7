using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Tensors;

namespace NeuralNet.Exercises;

/// <summary>Chapter 3's exercises: the backward passes of sigmoid, a linear layer and softmax + cross-entropy.</summary>
public static partial class Check
{
    /// <summary>
    /// Checks dZ = dA ⊙ σ'(z) for a sigmoid, given z and dA, against finite differences of L = Σ dA ⊙ σ(z)
    /// in double precision and against the library's <see cref="Sigmoid"/>.
    /// </summary>
    public static CheckResult SigmoidBackward(Func<double[], double[], double[]> backward) => CheckResult.Run("sigmoid backward", () =>
    {
        ArgumentNullException.ThrowIfNull(backward);
        var random = new Random(4);
        double[] z = Numeric.RoundToFloat(Numeric.Vector(12, random, 6));
        double[] dA = Numeric.RoundToFloat(Numeric.Vector(12, random));
        double[]? dZ = backward((double[])z.Clone(), (double[])dA.Clone());

        double[] probe = (double[])z.Clone();
        double[] numeric = Numeric.Gradient(probe, () => probe.Select((v, i) => dA[i] * Sigma(v)).Sum());
        if (Compare.Arrays("dZ", numeric, dZ, 1e-6) is string problem)
        {
            string hint = dZ is null ? "" :
                Compare.Close(z.Select((v, i) => dA[i] * Sigma(v)).ToArray(), dZ) ? " You multiplied by σ(z); the slope is σ'(z) = σ(z)(1 − σ(z))." :
                Compare.Close(z.Select(v => Sigma(v) * (1 - Sigma(v))).ToArray(), dZ) ? " That is σ'(z) alone: the chain rule multiplies it by dA." :
                " dZ[i] = dA[i] · σ(z[i]) · (1 − σ(z[i])).";
            return CheckResult.Fail("sigmoid backward", problem + hint);
        }

        var layer = new Sigmoid();
        layer.Forward(new Tensors.Matrix(1, 12, z.Select(v => (float)v).ToArray()));
        Matrix library = layer.Backward(new Tensors.Matrix(1, 12, dA.Select(v => (float)v).ToArray()));
        double largest = Enumerable.Range(0, 12).Max(i => Math.Abs(library[0, i] - dZ![i]));
        return CheckResult.Pass("sigmoid backward", $"matches finite differences (double) and the library's Sigmoid.Backward to {largest:E1}.");
    });

    /// <summary>
    /// Checks a linear layer's backward pass (given X, W and dZ, return dW, db and dX) against finite
    /// differences of L = Σ (XW + b) ⊙ dZ in double precision and against the library's <see cref="Linear"/>.
    /// </summary>
    public static CheckResult LinearBackward(Func<double[,], double[,], double[,], (double[,] dW, double[] db, double[,] dX)> backward) =>
        CheckResult.Run("Linear backward", () =>
    {
        ArgumentNullException.ThrowIfNull(backward);
        var random = new Random(5);
        double[,] x = Numeric.RoundToFloat(Numeric.Matrix(4, 5, random));
        double[,] w = Numeric.RoundToFloat(Numeric.Matrix(5, 3, random));
        double[] b = new double[3];
        double[,] dZ = Numeric.RoundToFloat(Numeric.Matrix(4, 3, random));
        (double[,]? dW, double[]? db, double[,]? dX) = backward((double[,])x.Clone(), (double[,])w.Clone(), (double[,])dZ.Clone());

        double Loss() => Numeric.Dot(LinearReference(x, w, b), dZ);
        double[,] numericW = Numeric.Gradient(w, Loss);
        double[] numericB = Numeric.Gradient(b, Loss);
        double[,] numericX = Numeric.Gradient(x, Loss);
        if (Compare.Matrices("dW", numericW, dW, 1e-6) is string wrongW)
            return CheckResult.Fail("Linear backward", wrongW + " dW = Xᵀ·dZ has W's shape (n×m): the inputs times the output gradients, summed over the batch.");
        if (Compare.Arrays("db", numericB, db, 1e-6) is string wrongB)
            return CheckResult.Fail("Linear backward", wrongB + (db is not null && Compare.Close(numericB.Select(v => v / 4).ToArray(), db)
                ? " That is the mean over the batch: db is the sum of dZ's rows (the 1/B is already inside dZ)."
                : " db[j] = Σ_i dZ[i,j]."));
        if (Compare.Matrices("dX", numericX, dX, 1e-6) is string wrongX)
            return CheckResult.Fail("Linear backward", wrongX + " dX = dZ·Wᵀ has X's shape (B×n).");

        var layer = new Linear(5, 3);
        Numeric.ToMatrix(w).CopyTo(layer.Weights.Value);
        layer.Bias.Value.Clear();
        layer.Forward(Numeric.ToMatrix(x), training: true);
        double[,] libraryX = Numeric.FromMatrix(layer.Backward(Numeric.ToMatrix(dZ)));
        double[,] libraryW = Numeric.FromMatrix(layer.Weights.Gradient);
        bool agree = Compare.Close(libraryX, dX, 1e-5) && Compare.Close(libraryW, dW, 1e-5);
        return CheckResult.Pass("Linear backward", "dW, db and dX match finite differences (double)" +
                                                    (agree ? " and the library's Linear.Backward." : "; the library's float32 values differ by more than 1e-5."));
    }, shapes: "Here X is 4x5 (B x n), W is 5x3 (n x m) and dZ is 4x3 (B x m). Each gradient has the shape of what it is the " +
               "gradient of: dW = Xᵀ·dZ is 5x3, db is 3 column sums of dZ, dX = dZ·Wᵀ is 4x5 (W transposed: dZ·W does not fit).");

    /// <summary>
    /// Checks the gradient of the mean softmax cross-entropy with respect to the logits, (P − Y) / B, against
    /// finite differences in double precision and the library's <see cref="SoftmaxCrossEntropy"/>.
    /// </summary>
    public static CheckResult SoftmaxCrossEntropyGradient(Func<double[,], int[], double[,]> gradient) =>
        CheckResult.Run("softmax + cross-entropy gradient", () =>
    {
        ArgumentNullException.ThrowIfNull(gradient);
        var random = new Random(6);
        double[,] logits = Numeric.RoundToFloat(Numeric.Matrix(4, 5, random, 3));
        int[] labels = [2, 0, 4, 2];
        double[,]? dZ = gradient((double[,])logits.Clone(), (int[])labels.Clone());

        double Loss()
        {
            double sum = 0;
            for (int i = 0; i < 4; i++)
                sum -= Math.Log(StableSoftmax(Enumerable.Range(0, 5).Select(k => logits[i, k]).ToArray())[labels[i]]);
            return sum / 4;
        }
        double[,] numeric = Numeric.Gradient(logits, Loss);
        if (Compare.Matrices("dZ", numeric, dZ, 1e-6) is string problem)
        {
            double[,] timesB = new double[4, 5];
            for (int i = 0; i < 4; i++) for (int k = 0; k < 5; k++) timesB[i, k] = 4 * numeric[i, k];
            string hint = dZ is not null && Compare.Close(timesB, dZ)
                ? " Your values are B = 4 times too large: the loss is the mean over the batch, so divide P − Y by B."
                : " dZ[i,k] = (p[i,k] − 1[k = label i]) / B, with p the softmax of row i.";
            return CheckResult.Fail("softmax + cross-entropy gradient", problem + hint);
        }

        var library = new Tensors.Matrix(4, 5);
        new SoftmaxCrossEntropy().Compute(Numeric.ToMatrix(logits), labels, library);
        bool agree = Compare.Close(Numeric.FromMatrix(library), dZ!, 1e-5);
        return CheckResult.Pass("softmax + cross-entropy gradient", "(P − Y) / B matches finite differences (double)" +
                                                                     (agree ? " and the library's fused SoftmaxCrossEntropy." : "."));
    });

    private static double Sigma(double z) => 1 / (1 + Math.Exp(-z));
}

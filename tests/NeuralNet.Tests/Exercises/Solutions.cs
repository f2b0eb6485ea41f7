using System.Runtime.Intrinsics;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Exercises;

/// <summary>Reference answers to the chapters' exercises (the chapters' solution cells hold the same code), and typical wrong ones.</summary>
internal static class Solutions
{
    public static double[] Softmax(double[] z)
    {
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    public static double[] NaiveSoftmax(double[] z)
    {
        double[] e = z.Select(Math.Exp).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    public static double[,] LinearForward(double[,] x, double[,] w, double[] b) => LinearForward(x, w, b, withBias: true);

    public static double[,] LinearForward(double[,] x, double[,] w, double[] b, bool withBias)
    {
        double[,] z = new double[x.GetLength(0), w.GetLength(1)];
        for (int i = 0; i < z.GetLength(0); i++)
            for (int j = 0; j < z.GetLength(1); j++)
            {
                z[i, j] = withBias ? b[j] : 0;
                for (int k = 0; k < x.GetLength(1); k++) z[i, j] += x[i, k] * w[k, j];
            }
        return z;
    }

    public static double[] SigmoidBackward(double[] z, double[] dA) =>
        z.Select((v, i) => dA[i] * Sigma(v) * (1 - Sigma(v))).ToArray();

    public static (double[,] dW, double[] db, double[,] dX) LinearBackward(double[,] x, double[,] w, double[,] dZ)
    {
        int rows = x.GetLength(0), n = x.GetLength(1), m = w.GetLength(1);
        double[,] dW = new double[n, m];
        double[] db = new double[m];
        double[,] dX = new double[rows, n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < m; j++)
            {
                db[j] += dZ[i, j];
                for (int k = 0; k < n; k++)
                {
                    dW[k, j] += x[i, k] * dZ[i, j];
                    dX[i, k] += dZ[i, j] * w[k, j];
                }
            }
        return (dW, db, dX);
    }

    public static double[,] SoftmaxCrossEntropyGradient(double[,] logits, int[] labels, double scale)
    {
        int rows = logits.GetLength(0), classes = logits.GetLength(1);
        double[,] dZ = new double[rows, classes];
        for (int i = 0; i < rows; i++)
        {
            double[] p = Softmax(Enumerable.Range(0, classes).Select(k => logits[i, k]).ToArray());
            for (int k = 0; k < classes; k++) dZ[i, k] = (p[k] - (k == labels[i] ? 1 : 0)) * scale;
        }
        return dZ;
    }

    public static void MomentumStep(double[] theta, double[] v, double[] g, double eta, double mu)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            v[i] = mu * v[i] + g[i];
            theta[i] -= eta * v[i];
        }
    }

    public static void AdamStep(double[] theta, double[] m, double[] s, double[] g, int t, double eta, double b1, double b2, double eps, bool correct)
    {
        for (int i = 0; i < theta.Length; i++)
        {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            s[i] = b2 * s[i] + (1 - b2) * g[i] * g[i];
            double mHat = correct ? m[i] / (1 - Math.Pow(b1, t)) : m[i];
            double sHat = correct ? s[i] / (1 - Math.Pow(b2, t)) : s[i];
            theta[i] -= eta * mHat / (Math.Sqrt(sHat) + eps);
        }
    }

    public static int[,] Confusion(int[] actual, int[] predicted, int classes, bool transpose)
    {
        int[,] counts = new int[classes, classes];
        for (int i = 0; i < actual.Length; i++)
            if (transpose) counts[predicted[i], actual[i]]++;
            else counts[actual[i], predicted[i]]++;
        return counts;
    }

    public static (double, double, double) Metrics(int[,] counts, int k, bool swap)
    {
        int classes = counts.GetLength(0), tp = counts[k, k], fp = 0, fn = 0;
        for (int j = 0; j < classes; j++)
            if (j != k) { fp += counts[j, k]; fn += counts[k, j]; }
        double precision = tp / (double)(tp + fp), recall = tp / (double)(tp + fn);
        if (swap) (precision, recall) = (recall, precision);
        return (precision, recall, 2 * precision * recall / (precision + recall));
    }

    public static double[,] MaxPoolBackward(double[,] x, double[,] dY, bool spread)
    {
        double[,] dX = new double[x.GetLength(0), x.GetLength(1)];
        for (int r = 0; r < dY.GetLength(0); r++)
            for (int c = 0; c < dY.GetLength(1); c++)
            {
                int bestR = 2 * r, bestC = 2 * c;
                for (int i = 2 * r; i < 2 * r + 2; i++)
                    for (int j = 2 * c; j < 2 * c + 2; j++)
                    {
                        if (spread) dX[i, j] += dY[r, c] / 4;
                        if (x[i, j] > x[bestR, bestC]) (bestR, bestC) = (i, j);
                    }
                if (!spread) dX[bestR, bestC] += dY[r, c];
            }
        return dX;
    }

    public static (double[,], double[], double[]) BatchNormBackward(double[,] x, double[] gamma, double[,] dY, bool constantStatistics, bool withoutVarianceTerm = false)
    {
        int rows = x.GetLength(0), features = x.GetLength(1);
        double[,] dX = new double[rows, features];
        double[] dGamma = new double[features];
        double[] dBeta = new double[features];
        for (int f = 0; f < features; f++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < rows; i++) mean += x[i, f] / rows;
            for (int i = 0; i < rows; i++) variance += (x[i, f] - mean) * (x[i, f] - mean) / rows;
            double inverseStd = 1 / Math.Sqrt(variance + 1e-5);
            double[] xHat = Enumerable.Range(0, rows).Select(i => (x[i, f] - mean) * inverseStd).ToArray();
            double meanDy = 0, meanDyXHat = 0;
            for (int i = 0; i < rows; i++)
            {
                dBeta[f] += dY[i, f];
                dGamma[f] += dY[i, f] * xHat[i];
                meanDy += dY[i, f] / rows;
                meanDyXHat += dY[i, f] * xHat[i] / rows;
            }
            for (int i = 0; i < rows; i++)
                dX[i, f] = gamma[f] * inverseStd * (constantStatistics ? dY[i, f] : dY[i, f] - meanDy - (withoutVarianceTerm ? 0 : xHat[i] * meanDyXHat));
        }
        return (dX, dGamma, dBeta);
    }

    public static void LoopOrderGemm(Matrix a, Matrix b, Matrix c, bool clear)
    {
        int m = a.Rows, k = a.Cols, n = b.Cols;
        if (clear) Array.Clear(c.Data);
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
            {
                float aip = a.Data[i * k + p];
                for (int j = 0; j < n; j++) c.Data[i * n + j] += aip * b.Data[p * n + j];
            }
    }

    public static float Dot(float[] x, float[] y, bool tail)
    {
        Vector256<float> sum = Vector256<float>.Zero;
        int i = 0;
        for (; i <= x.Length - 8; i += 8) sum += Vector256.Create(x, i) * Vector256.Create(y, i);
        float total = Vector256.Sum(sum);
        if (tail) for (; i < x.Length; i++) total += x[i] * y[i];
        return total;
    }

    public static (double A, double B, double C) BoundaryLine(Linear layer, bool transposed = false, bool withBias = true)
    {
        Matrix w = layer.Weights.Value;
        Matrix bias = layer.Bias.Value;
        double c = withBias ? bias[0, 1] - bias[0, 0] : 0;
        return transposed ? (w[1, 0] - w[0, 0], w[1, 1] - w[0, 1], c) : (w[0, 1] - w[0, 0], w[1, 1] - w[1, 0], c);
    }

    private static double Sigma(double z) => 1 / (1 + Math.Exp(-z));
}

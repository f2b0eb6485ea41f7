using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Evaluation;

/// <summary>
/// A network's class probabilities on a regular grid over the plane: what it would answer for every point
/// (x, y), not only for the samples. Drawn as a heatmap it shows the decision boundary of a 2-D classifier.
/// </summary>
public sealed class DecisionGrid
{
    private DecisionGrid(double[] xs, double[] ys, Matrix probabilities)
    {
        Xs = xs;
        Ys = ys;
        Probabilities = probabilities;
    }

    /// <summary>The grid's x coordinates, left to right.</summary>
    public double[] Xs { get; }

    /// <summary>The grid's y coordinates, bottom to top.</summary>
    public double[] Ys { get; }

    /// <summary>One row per grid point (row-major over y then x: point (ix, iy) is row iy·Xs.Length + ix), one column per class.</summary>
    public Matrix Probabilities { get; }

    /// <summary>The number of classes.</summary>
    public int ClassCount => Probabilities.Cols;

    /// <summary>The probability of <paramref name="classIndex"/> at grid point (ix, iy).</summary>
    public float Probability(int ix, int iy, int classIndex) => Probabilities[iy * Xs.Length + ix, classIndex];

    /// <summary>The most probable class at grid point (ix, iy).</summary>
    public int PredictedClass(int ix, int iy)
    {
        ReadOnlySpan<float> p = Probabilities.Row(iy * Xs.Length + ix);
        int best = 0;
        for (int c = 1; c < p.Length; c++) if (p[c] > p[best]) best = c;
        return best;
    }

    /// <summary>
    /// Evaluates <paramref name="network"/> (2 inputs) on <paramref name="resolution"/> x <paramref name="resolution"/>
    /// points covering the samples of <paramref name="points"/> plus a margin of <paramref name="margin"/> on every side.
    /// </summary>
    public static DecisionGrid Compute(Sequential network, ImageDataset points, int resolution = 100, double margin = 0.2)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(points);
        if (network.InputSize != 2 || points.FeatureCount != 2)
            throw new ArgumentException($"A decision grid needs 2-D points and a network with 2 inputs; got {points.FeatureCount} features and {network.InputSize} inputs.");
        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, 2);
        double[] xs = Axis(points, 0, resolution, margin), ys = Axis(points, 1, resolution, margin);
        var grid = new Matrix(resolution * resolution, 2);
        for (int iy = 0; iy < resolution; iy++)
            for (int ix = 0; ix < resolution; ix++)
            {
                grid[iy * resolution + ix, 0] = (float)xs[ix];
                grid[iy * resolution + ix, 1] = (float)ys[iy];
            }
        return new DecisionGrid(xs, ys, network.PredictProbabilities(grid));
    }

    // Evenly spaced coordinates from the smallest to the largest sample coordinate, widened by the margin.
    private static double[] Axis(ImageDataset points, int column, int resolution, double margin)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < points.Count; i++)
        {
            min = Math.Min(min, points.Images[i, column]);
            max = Math.Max(max, points.Images[i, column]);
        }
        min -= margin;
        max += margin;
        return Enumerable.Range(0, resolution).Select(i => min + (max - min) * i / (resolution - 1)).ToArray();
    }
}

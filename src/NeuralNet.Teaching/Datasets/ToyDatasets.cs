using NeuralNet.Initialization;
using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>
/// Small 2-D classification problems for seeing what a network learns: every sample is a point (x, y),
/// stored as a 1 x 2 "image" so that the rest of the library (Trainer, Metrics) takes it as it is.
/// The same seed gives the same points.
/// </summary>
public static class ToyDatasets
{
    /// <summary>
    /// Interleaved spiral arms, one per class (as in CS231n's notes): a point of class c at radius r ∈ (0, 1]
    /// lies at angle 2π·(c/classes + turns·r) plus Gaussian noise of <paramref name="noise"/> radians.
    /// No straight line separates two arms; a network has to bend its boundary around them, and the more
    /// <paramref name="turns"/> each arm makes around the centre, the more it has to bend.
    /// </summary>
    public static ImageDataset Spiral(int pointsPerClass = 200, int classes = 2, double turns = 2.0, double noise = 0.2, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerClass, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        var random = new Random(seed);
        var points = new Matrix(pointsPerClass * classes, 2);
        int[] labels = new int[points.Rows];
        float[] jitter = new float[pointsPerClass];
        for (int c = 0; c < classes; c++)
        {
            Gaussian.Fill(jitter, noise, random);
            for (int i = 0; i < pointsPerClass; i++)
            {
                double r = (i + 1.0) / pointsPerClass;
                double angle = 2 * Math.PI * ((double)c / classes + turns * r) + jitter[i];
                int row = c * pointsPerClass + i;
                points[row, 0] = (float)(r * Math.Cos(angle));
                points[row, 1] = (float)(r * Math.Sin(angle));
                labels[row] = c;
            }
        }
        return Named("spiral", points, labels, classes);
    }

    /// <summary>
    /// Two interleaving half circles (as scikit-learn's make_moons), centred on the origin, with Gaussian noise
    /// of standard deviation <paramref name="noise"/> added to both coordinates. Class 0 is the upper moon.
    /// </summary>
    public static ImageDataset Moons(int pointsPerClass = 200, double noise = 0.1, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerClass, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(noise);
        var random = new Random(seed);
        var points = new Matrix(2 * pointsPerClass, 2);
        int[] labels = new int[points.Rows];
        float[] jitter = new float[2 * points.Rows];
        Gaussian.Fill(jitter, noise, random);
        for (int i = 0; i < pointsPerClass; i++)
        {
            double t = Math.PI * i / (pointsPerClass - 1);
            // Upper moon: the top half of the unit circle. Lower moon: the same shape flipped, shifted right and down.
            (double x, double y)[] moons = [(Math.Cos(t), Math.Sin(t)), (1 - Math.Cos(t), 0.5 - Math.Sin(t))];
            for (int c = 0; c < 2; c++)
            {
                int row = c * pointsPerClass + i;
                points[row, 0] = (float)(moons[c].x - 0.5 + jitter[2 * row]);
                points[row, 1] = (float)(moons[c].y - 0.25 + jitter[2 * row + 1]);
                labels[row] = c;
            }
        }
        return Named("moons", points, labels, 2);
    }

    /// <summary>A two-class dataset by name: <c>spiral</c> (with <paramref name="turns"/>) or <c>moons</c>, ignoring case.</summary>
    public static ImageDataset Create(string name, int pointsPerClass, double noise, int seed = 42, double turns = 2.0) =>
        name.Trim().ToLowerInvariant() switch
        {
            "spiral" => Spiral(pointsPerClass, 2, turns, noise, seed),
            "moons" => Moons(pointsPerClass, noise, seed),
            _ => throw new ArgumentException($"Unknown toy dataset '{name}': expected spiral or moons.", nameof(name)),
        };

    private static ImageDataset Named(string name, Matrix points, int[] labels, int classes) =>
        new(name, points, labels, height: 1, width: 2, Enumerable.Range(0, classes).Select(c => $"class {c}").ToArray());
}

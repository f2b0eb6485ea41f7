namespace NeuralNet.Initialization;

/// <summary>Normal random numbers from a seeded <see cref="Random"/> (Box–Muller), so runs are reproducible.</summary>
public static class Gaussian
{
    /// <summary>Fills <paramref name="values"/> with N(0, std²) samples.</summary>
    public static void Fill(Span<float> values, double standardDeviation, Random random)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            // Box–Muller turns two uniforms into two independent standard normals.
            double u1 = 1.0 - random.NextDouble(); // in (0, 1], so the log is finite
            double u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = (float)(standardDeviation * radius * Math.Cos(2.0 * Math.PI * u2));
            if (i + 1 < values.Length)
                values[i + 1] = (float)(standardDeviation * radius * Math.Sin(2.0 * Math.PI * u2));
        }
    }
}

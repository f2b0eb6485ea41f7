using System.Diagnostics;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

/// <summary>
/// The optimiser step alone, on the MLP's parameters: the gradients' norm, Adam's update of W₁ (the one tensor
/// large enough to split between threads) and the whole <see cref="Optimizer.Step"/>, in µs, rounds alternating
/// between thread counts in one process. <c>optimizer [--steps 2000] [--rounds 2]</c>
/// </summary>
internal static class OptimizerStepProfile
{
    public static int Run(string[] args)
    {
        int steps = Options.Int(args, "--steps", 2000), rounds = Options.Int(args, "--rounds", 2);
        var network = Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42);
        IReadOnlyList<Parameter> parameters = network.Parameters;
        var random = new Random(1);
        foreach (Parameter p in parameters)
        {
            Span<float> g = p.Gradient.Span;
            for (int i = 0; i < g.Length; i++) g[i] = (float)(random.NextDouble() - 0.5) * 1e-2f;
        }
        var adam = new Adam(1e-3);
        Parameter w1 = parameters[0];
        float[] m = new float[w1.Value.Length], v = new float[w1.Value.Length];
        var c = AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, 10);
        Matrix x = new(64, 784), z = new(64, 128);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)random.NextDouble();
        for (int round = 0; round < rounds; round++)
            foreach (int threads in new[] { 1, 2 })
            {
                ComputeSettings.ThreadCount = threads;
                double norm = Median(steps, () => MatrixOps.SumOfSquares(w1.Gradient.Span));
                double update = Median(steps, () => VectorKernels.Adam(w1.Value.Span, w1.Gradient.Span, m, v, c));
                double step = Median(steps, () => adam.Step(parameters));
                // As in training: the forward product has just read W₁ (as DenseStep runs it).
                double afterForward = Median(steps, () => adam.Step(parameters), () => Gemm.MultiplyAddRow(x, w1.Value, parameters[1].Value, z, relu: false, ProductSplit.InnerPipeline));
                Console.WriteLine($"round {round + 1}, {threads} thread(s): ‖dW₁‖² {norm,6:F1} µs   Adam on W₁ {update,6:F1} µs   " +
                    $"Optimizer.Step {step,6:F1} µs, after X·W₁ {afterForward,6:F1} µs");
            }
        return 0;
    }

    private static double Median(int steps, Action body, Action? before = null)
    {
        for (int i = 0; i < steps / 4; i++) body();
        double[] times = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            before?.Invoke();
            long start = Stopwatch.GetTimestamp();
            body();
            times[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
        }
        Array.Sort(times);
        return times[steps / 2];
    }
}

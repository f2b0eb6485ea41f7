using System.Diagnostics;
using System.Globalization;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

/// <summary>
/// An experiment, not the library's code path: the MLP step with layer 1 split by its 784 inputs, so that each
/// of two cores owns one half of the pixels, of W₁'s rows, of dW₁ and of Adam's moments for the whole step
/// (the caller half 0, the worker half 1, see <see cref="WorkerPool"/>). Z₁ = (X₀·W₁₀ + X₁·W₁₁) + b is the one
/// place the halves meet. It sums Z₁ in a different order from <see cref="Linear"/>, so its results are not the
/// library's bits; it measures what owning the data would buy. Prints µs per step of both, each on 1 and 2
/// threads, beside the library's step (<see cref="Sequential"/>, <see cref="Adam"/>), rounds alternating in one
/// process (the split step's own network keeps training through its rounds on either thread count).
/// <c>split-inputs [--batch 64] [--steps 300] [--rounds 4]</c>
/// </summary>
internal static class SplitInputsExperiment
{
    public static int Run(string[] args)
    {
        int batch = Options.Int(args, "--batch", 64), steps = Options.Int(args, "--steps", 300), rounds = Options.Int(args, "--rounds", 4);
        (ImageDataset? train, ImageDataset _) = Mnist.Load();
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        new Random(1).Shuffle(order);

        // The library's step.
        var network = Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42);
        var adam = new Adam(1e-3);
        var loss = new SoftmaxCrossEntropy();
        var sampler = new MiniBatchSampler(train, batch);
        sampler.Shuffle(new Random(1));
        Matrix gradient = new(batch, 10);

        // The split step: its own copy of the same network.
        var split = new SplitStep(Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42), batch, train.Images, train.Labels, order);

        string[] names = new[] { "library, 1 thread", "library, 2 threads", "split inputs, 1 thread", "split inputs, 2 threads" };
        List<double>[] samples = names.Select(_ => new List<double>()).ToArray();
        int next = 0;
        for (int round = 0; round < rounds; round++)
            for (int c = 0; c < names.Length; c++)
            {
                ComputeSettings.ThreadCount = c % 2 == 0 ? 1 : 2;
                for (int s = -50; s < steps; s++)
                {
                    long start = Stopwatch.GetTimestamp();
                    if (c >= 2)
                    {
                        split.Step();
                    }
                    else
                    {
                        if (next == sampler.BatchCount - 1) next = 0;
                        MiniBatch mb = sampler.GetBatch(next++);
                        Matrix output = network.Forward(mb.Images, training: true);
                        loss.Compute(output, mb.Labels.Span, gradient);
                        network.Backward(gradient, needInputGradient: false);
                        adam.Step(network.Parameters);
                    }
                    if (s >= 0) samples[c].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }
        for (int c = 0; c < names.Length; c++)
        {
            double[] sorted = samples[c].Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch {batch}, {names[c],-24} µs per step: mean {sorted.Average(),7:0.0}  median {sorted[sorted.Length / 2],7:0.0}  p10 {sorted[sorted.Length / 10],7:0.0}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"split inputs: training loss {split.FirstLoss:0.0000} on its first batch, {split.LastLoss:0.0000} on its last (a wrong gradient would not fall)"));
        return 0;
    }

    private sealed class SplitStep
    {
        private const int Half = 392;
        private readonly Sequential rest;          // layers 2.. of the network (Linear 128→64, ReLU, Linear 64→10)
        private readonly Parameter bias1;
        private readonly Matrix[] x = new Matrix[2], w = new Matrix[2], dw = new Matrix[2], z = new Matrix[2];
        private readonly float[][] m = new float[2][], v = new float[2][];
        private readonly Matrix a1, dz1, gradient;
        private readonly Matrix images;
        private readonly int[] labels, order, batchLabels;
        private readonly int batch;
        private readonly Adam restAdam = new(1e-3);
        private readonly SoftmaxCrossEntropy loss = new();
        private readonly Parameter[] restParameters;
        private long t;
        private int next;

        public SplitStep(Sequential network, int batch, Matrix images, int[] labels, int[] order)
        {
            var linear1 = (Linear)network.Layers[0];
            rest = new Sequential([.. network.Layers.Skip(2)]);
            bias1 = linear1.Bias;
            restParameters = [bias1, .. rest.Parameters];
            for (int h = 0; h < 2; h++)
            {
                x[h] = new Matrix(batch, Half);
                w[h] = new Matrix(Half, 128, linear1.Weights.Value.Data.AsSpan(h * Half * 128, Half * 128).ToArray());
                dw[h] = new Matrix(Half, 128);
                z[h] = new Matrix(batch, 128);
                m[h] = new float[Half * 128];
                v[h] = new float[Half * 128];
            }
            a1 = new Matrix(batch, 128);
            dz1 = new Matrix(batch, 128);
            gradient = new Matrix(batch, 10);
            this.images = images;
            this.labels = labels;
            this.order = order;
            this.batch = batch;
            batchLabels = new int[batch];
        }

        public double FirstLoss { get; private set; } = double.NaN;

        public double LastLoss { get; private set; }

        public void Step()
        {
            if ((next + 1) * batch > order.Length) next = 0;
            int first = next++ * batch;
            for (int i = 0; i < batch; i++) batchLabels[i] = labels[order[first + i]];
            t++;
            // Each core gathers its half of the pixels and multiplies it by its half of W₁'s rows.
            ParallelRange.ForBlocks(2, h =>
            {
                for (int i = 0; i < batch; i++)
                    images.Row(order[first + i]).Slice(h * Half, Half).CopyTo(x[h].Row(i));
                Gemm.Multiply(x[h], w[h], z[h]);
            });
            // Z₁ = Z₁₀ + Z₁₁ + b, then ReLU: the one place the halves meet.
            VectorKernels.Add(z[1].Span, z[0].Span);
            for (int i = 0; i < batch; i++) VectorKernels.Add(bias1.Value.Span, z[0].Row(i));
            VectorKernels.ReluForward(z[0].Span, a1.Span);
            Matrix output = rest.Forward(a1, training: true);
            LastLoss = loss.Compute(output, batchLabels, gradient);
            if (double.IsNaN(FirstLoss)) FirstLoss = LastLoss;
            Matrix da1 = rest.Backward(gradient);
            VectorKernels.ReluBackward(a1.Span, da1.Span, dz1.Span);
            MatrixOps.SumColumns(dz1, bias1.Gradient);
            // Each core: dW₁ of its rows, then Adam on its rows (its moments never leave it).
            var coefficients = AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, t);
            ParallelRange.ForBlocks(2, h =>
            {
                Gemm.MultiplyTransposeA(x[h], dz1, dw[h]);
                VectorKernels.Adam(w[h].Span, dw[h].Span, m[h], v[h], coefficients); // inside a block: on this thread
            });
            restAdam.Step(restParameters);
        }
    }
}

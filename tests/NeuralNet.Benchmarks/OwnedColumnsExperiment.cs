using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

/// <summary>
/// An experiment, not the library's code path: the MLP step with layer 1 owned by its output columns, each
/// core's half stored contiguously. W₁ is kept transposed (128 x 784, PyTorch's out x in layout) as two
/// 64 x 784 blocks: core h computes Z₁[:, h] = X·W₁ᵀ[h]ᵀ + b (with ReLU), dW₁ᵀ[h] = dZ₁[:, h]ᵀ·X and Adam on
/// W₁ᵀ[h], its gradient and its moments, so they never leave that core. (Splitting the library's row-major
/// W₁ by columns instead interleaves the two halves in every 512-byte row, and Adam then ran 5-20x slower on
/// two threads than on one: RESULTS.md.) Every element is the same sum in the same order as the library's
/// (a·b = b·a exactly), so the parameters stay bit-identical to the library's: checked first, over 50 steps.
/// Then µs per step of both, on 1 and 2 threads, rounds alternating in one process.
/// <c>owned-columns [--batch 64] [--steps 300] [--rounds 4]</c>
/// </summary>
internal static class OwnedColumnsExperiment
{
    public static int Run(string[] args)
    {
        int batch = Options.Int(args, "--batch", 64), steps = Options.Int(args, "--steps", 300), rounds = Options.Int(args, "--rounds", 4);
        (ImageDataset? train, ImageDataset _) = Mnist.Load();

        var network = Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42);
        var adam = new Adam(1e-3);
        var loss = new SoftmaxCrossEntropy();
        var sampler = new MiniBatchSampler(train, batch);
        sampler.Shuffle(new Random(1));
        Matrix gradient = new(batch, 10);
        int next = 0;
        void LibraryStep()
        {
            if (next == sampler.BatchCount - 1) next = 0;
            MiniBatch mb = sampler.GetBatch(next++);
            Matrix output = network.Forward(mb.Images, training: true);
            loss.Compute(output, mb.Labels.Span, gradient);
            network.Backward(gradient, needInputGradient: false);
            adam.Step(network.Parameters);
        }

        var owned = new OwnedStep(Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42), new MiniBatchSampler(train, batch), train, ownGather: false);
        var ownGather = new OwnedStep(Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42), new MiniBatchSampler(train, batch), train, ownGather: true);
        var blocks = new OwnedStep(Sequential.Mlp(784, [128, 64], 10, "relu", seed: 42), new MiniBatchSampler(train, batch), train, ownGather: false, inByOut: true);

        // Same bits: 50 steps each on the same batches (2 threads), then every parameter compared.
        ComputeSettings.ThreadCount = 2;
        for (int s = 0; s < 50; s++)
        {
            LibraryStep();
            owned.Step();
            ownGather.Step();
            blocks.Step();
        }
        Console.WriteLine($"after 50 steps, parameters bit-identical to the library's: {owned.SameBitsAs(network)}, with each core gathering X: {ownGather.SameBitsAs(network)}, with 784 x 64 blocks: {blocks.SameBitsAs(network)}");

        string[] names = ["library, 1 thread", "library, 2 threads", "owned columns, 1 thread", "owned columns, 2 threads",
            "owned, own X, 1 thread", "owned, own X, 2 threads", "owned 784x64 blocks, 1 thread", "owned 784x64 blocks, 2 threads"];
        List<double>[] samples = names.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int c = 0; c < names.Length; c++)
            {
                ComputeSettings.ThreadCount = c % 2 == 0 ? 1 : 2;
                for (int s = -50; s < steps; s++)
                {
                    long start = Stopwatch.GetTimestamp();
                    if (c >= 6) blocks.Step();
                    else if (c >= 4) ownGather.Step();
                    else if (c >= 2) owned.Step();
                    else LibraryStep();
                    if (s >= 0) samples[c].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }
        for (int c = 0; c < names.Length; c++)
        {
            double[] sorted = samples[c].Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"batch {batch}, {names[c],-26} µs per step: mean {sorted.Average(),7:0.0}  median {sorted[sorted.Length / 2],7:0.0}  p10 {sorted[sorted.Length / 10],7:0.0}"));
        }
        return 0;
    }

    private sealed unsafe class OwnedStep
    {
        private const int Half = 64;
        private readonly Sequential rest;          // Linear 128→64, ReLU, Linear 64→10
        private readonly Parameter bias1;
        private readonly Matrix[] wT = new Matrix[2], dwT = new Matrix[2], z = new Matrix[2], dz = new Matrix[2];
        private readonly float[][] m = new float[2][], v = new float[2][], bias = new float[2][];
        private readonly Matrix a1, dz1, gradient;
        private readonly MiniBatchSampler sampler;
        private readonly Adam restAdam = new(1e-3);
        private readonly SoftmaxCrossEntropy loss = new();
        private readonly Parameter[] restParameters;
        private readonly Action<int> forward, backward;
        private Matrix? x;
        private readonly Matrix[] ownX = new Matrix[2];
        private readonly bool ownGather, inByOut;
        private readonly ImageDataset data;
        private readonly int[] order, labels;
        private int first;
        private AdamCoefficients coefficients;
        private long t;
        private int next;

        // inByOut: core h's half of W₁ stored as W₁[:, h], 784 x 64 row-major (the library's layout, cut in two
        // matrices), instead of W₁ᵀ[h], 64 x 784.
        public OwnedStep(Sequential network, MiniBatchSampler sampler, ImageDataset data, bool ownGather, bool inByOut = false)
        {
            this.inByOut = inByOut;
            this.ownGather = ownGather;
            this.data = data;
            order = Enumerable.Range(0, data.Count).ToArray();
            new Random(1).Shuffle(order); // the sampler's order (the same shuffle of 0..N−1)
            labels = new int[sampler.BatchSize];
            var linear1 = (Linear)network.Layers[0];
            rest = new Sequential([.. network.Layers.Skip(2)]);
            bias1 = linear1.Bias;
            restParameters = [bias1, .. rest.Parameters];
            this.sampler = sampler;
            sampler.Shuffle(new Random(1));
            int batch = sampler.BatchSize;
            for (int h = 0; h < 2; h++)
            {
                wT[h] = inByOut ? new Matrix(784, Half) : new Matrix(Half, 784);
                for (int j = 0; j < Half; j++)
                    for (int p = 0; p < 784; p++)
                        if (inByOut) wT[h][p, j] = linear1.Weights.Value[p, h * Half + j];
                        else wT[h][j, p] = linear1.Weights.Value[p, h * Half + j];
                dwT[h] = inByOut ? new Matrix(784, Half) : new Matrix(Half, 784);
                z[h] = new Matrix(batch, Half);
                dz[h] = new Matrix(batch, Half);
                m[h] = new float[Half * 784];
                v[h] = new float[Half * 784];
                bias[h] = new float[Half];
                ownX[h] = new Matrix(batch, 784);
            }
            a1 = new Matrix(batch, 128);
            dz1 = new Matrix(batch, 128);
            gradient = new Matrix(batch, 10);
            forward = Forward;
            backward = Backward;
        }

        public void Step()
        {
            if (next == sampler.BatchCount - 1) next = 0;
            ReadOnlySpan<int> batchLabels;
            if (ownGather)
            {
                // Each core copies the whole batch into its own X inside its block: no pixel crosses cores.
                first = next++ * sampler.BatchSize;
                for (int i = 0; i < labels.Length; i++) labels[i] = data.Labels[order[first + i]];
                batchLabels = labels;
                x = ownX[0];
            }
            else
            {
                MiniBatch mb = sampler.GetBatch(next++);
                x = mb.Images;
                batchLabels = mb.Labels.Span;
            }
            t++;
            ParallelRange.ForBlocks(2, forward);
            for (int h = 0; h < 2; h++)
                for (int i = 0; i < x.Rows; i++) z[h].Row(i).CopyTo(a1.Row(i).Slice(h * Half, Half));
            Matrix output = rest.Forward(a1, training: true);
            loss.Compute(output, batchLabels, gradient);
            Matrix da1 = rest.Backward(gradient);
            VectorKernels.ReluBackward(a1.Span, da1.Span, dz1.Span); // dZ₁ = dA₁ ⊙ [a₁ > 0]
            MatrixOps.SumColumns(dz1, bias1.Gradient);
            coefficients = AdamCoefficients.ForStep(1e-3, 0.9, 0.999, 1e-8, t);
            ParallelRange.ForBlocks(2, backward);
            restAdam.Step(restParameters);
        }

        // Core h: Z₁[:, h] = max(X·W₁ᵀ[h]ᵀ + b[h], 0).
        private void Forward(int h)
        {
            Matrix xh = X(h);
            if (ownGather)
                for (int i = 0; i < xh.Rows; i++) data.Images.Row(order[first + i]).CopyTo(xh.Row(i));
            bias1.Value.Span.Slice(h * Half, Half).CopyTo(bias[h]);
            GemmKernel.Run(transposeA: false, transposeB: !inByOut, xh.Rows, Half, 784, xh.Data, wT[h].Data, z[h].Data, accumulate: false, bias[h], relu: true);
        }

        // Core h: dW₁ᵀ[h] = dZ₁[:, h]ᵀ·X, its squared norm (as Optimizer.Step computes), then Adam on its rows.
        private void Backward(int h)
        {
            for (int i = 0; i < x!.Rows; i++) dz1.Row(i).Slice(h * Half, Half).CopyTo(dz[h].Row(i));
            if (inByOut) GemmKernel.Run(transposeA: true, transposeB: false, 784, Half, x.Rows, X(h).Data, dz[h].Data, dwT[h].Data, accumulate: false);
            else GemmKernel.Run(transposeA: true, transposeB: false, Half, 784, x.Rows, dz[h].Data, X(h).Data, dwT[h].Data, accumulate: false);
            if (MatrixOps.SumOfSquares(dwT[h].Span) < 0) Console.WriteLine();
            VectorKernels.Adam(wT[h].Span, dwT[h].Span, m[h], v[h], coefficients); // inside a block: on this thread
        }

        private Matrix X(int h) => ownGather ? ownX[h] : x!;

        public bool SameBitsAs(Sequential library)
        {
            Matrix w1 = ((Linear)library.Layers[0]).Weights.Value;
            for (int h = 0; h < 2; h++)
                for (int j = 0; j < Half; j++)
                    for (int p = 0; p < 784; p++)
                        if (BitConverter.SingleToInt32Bits(inByOut ? wT[h][p, j] : wT[h][j, p]) != BitConverter.SingleToInt32Bits(w1[p, h * Half + j])) return false;
            Parameter[] theirs = [.. library.Parameters.Skip(1)];
            for (int i = 0; i < theirs.Length; i++)
                if (!MemoryMarshal.Cast<float, int>(theirs[i].Value.Span).SequenceEqual(MemoryMarshal.Cast<float, int>(restParameters[i].Value.Span))) return false;
            return true;
        }
    }
}

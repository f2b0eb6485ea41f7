using NeuralNet.Engine;
using System.Globalization;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Benchmarks;

/// <summary>
/// Where a training step of the chapter-06 CNN goes, layer by layer, in CPU time of the calling thread (one
/// thread): <c>cnn-profile --batch 64 --steps 200</c>. Then, with <c>--parts</c>, the im2col route of each
/// convolution cut into its pieces (unfold, the three products, scatter, gather, col2im) on the same shapes,
/// to see which piece a faster kernel must beat. By default the layers run as the engine's steps, as
/// <see cref="Sequential"/> runs them (the image layers as one <see cref="ImageChainStep"/>: one line for all of
/// them; a fused step's time on its first layer's line); <c>--unfused</c> (or <c>--layers</c>) runs every layer on its own.
/// </summary>
internal static class CnnProfile
{
    public static int Run(string[] args)
    {
        int batch = Options.Int(args, "--batch", 64);
        int steps = Options.Int(args, "--steps", 200);
        ComputeSettings.ThreadCount = Options.Int(args, "--threads", 1);
        bool layerByLayer = args.Contains("--layers") || args.Contains("--unfused");
        (ImageDataset? train, ImageDataset _) = Mnist.Load(Options.Text(args, "--data"));
        Sequential network = ConvNet.Small(seed: 42);
        var optimizer = new Adam(1e-3);
        var loss = new SoftmaxCrossEntropy();
        var sampler = new MiniBatchSampler(train, batch);
        sampler.Shuffle(new Random(1));
        int layerCount = network.Layers.Count, warmup = Math.Max(10, steps / 10);
        // As Sequential runs them: the engine's steps (the image layers as one chain, its time on the first layer's line).
        ExecutionPlan? plan = layerByLayer ? null : new ExecutionPlan(network.Layers);
        int chainEnd = plan?.Steps[0] is ImageChainStep chain ? chain.LayerCount - 1 : -1;
        int[] firstLayer = new int[plan?.Steps.Count ?? 0];
        for (int p = 1; p < firstLayer.Length; p++) firstLayer[p] = firstLayer[p - 1] + plan!.Steps[p - 1].LayerCount;
        double[] forward = new double[layerCount];
        double[] backward = new double[layerCount];
        double gather = 0, lossTime = 0, update = 0;
        Matrix gradient = new(batch, 10);
        long allocated = 0, processAllocated = 0;
        double wall = 0;
        double[] stepWall = new double[steps];   // each step's elapsed time: the median shrugs off the pool's back-off spells
        long jobs = 0;     // jobs handed to the pool's workers: each is a fork and a join   // elapsed time of the recorded steps: with several threads, what the caller's CPU time does not show
        for (int s = -warmup; s < steps; s++)
        {
            bool record = s >= 0;
            long started = System.Diagnostics.Stopwatch.GetTimestamp(), jobsBefore = ComputeContext.Current.Pool.Jobs;
            long bytes = GC.GetAllocatedBytesForCurrentThread(), processBytes = GC.GetTotalAllocatedBytes(precise: true);
            double t0 = StepProfile.ThreadCpuSeconds();
            MiniBatch mb = sampler.GetBatch((s + warmup) % (sampler.BatchCount - 1));
            double t1 = StepProfile.ThreadCpuSeconds();
            if (record) gather += t1 - t0;
            Matrix x = mb.Images;
            int units = plan?.Steps.Count ?? layerCount;
            for (int u = 0; u < units; u++)
            {
                double a = StepProfile.ThreadCpuSeconds();
                x = plan is null ? network.Layers[u].Forward(x, training: true) : plan.Steps[u].Forward(x, training: true);
                if (record) forward[plan is null ? u : firstLayer[u]] += StepProfile.ThreadCpuSeconds() - a;
            }
            double t2 = StepProfile.ThreadCpuSeconds();
            loss.Compute(x, mb.Labels.Span, gradient);
            double t3 = StepProfile.ThreadCpuSeconds();
            if (record) lossTime += t3 - t2;
            Matrix g = gradient;
            for (int u = units - 1; u >= 0; u--)
            {
                double a = StepProfile.ThreadCpuSeconds();
                g = plan is null ? network.Layers[u].Backward(g, needInputGradient: u > 0) : plan.Steps[u].Backward(g, needInputGradient: u > 0);   // as the Trainer: no ∂L/∂pixels
                if (record) backward[plan is null ? u : firstLayer[u]] += StepProfile.ThreadCpuSeconds() - a;
            }
            double t4 = StepProfile.ThreadCpuSeconds();
            optimizer.Step(network.Parameters);
            if (record) update += StepProfile.ThreadCpuSeconds() - t4;
            if (record) allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
            if (record) processAllocated += GC.GetTotalAllocatedBytes(precise: true) - processBytes;
            if (record) stepWall[s] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (record) wall += stepWall[s];
            if (record) jobs += ComputeContext.Current.Pool.Jobs - jobsBefore;
        }
        double ms(double total) => total / steps * 1e3;
        CultureInfo inv = CultureInfo.InvariantCulture;
        string mode = plan is not null ? "as the engine runs them (image layers chained)" : "layer by layer, unfused";
        Console.WriteLine(string.Create(inv, $"batch {batch}, {ComputeSettings.ThreadCount} thread(s), {mode}, ms per step (thread CPU time of the caller), {steps} steps"));
        Console.WriteLine(string.Create(inv, $"  {"gather",-24}{ms(gather),8:0.000}"));
        if (chainEnd >= 0)
            Console.WriteLine(string.Create(inv, $"  {$"layers 0–{chainEnd} (chain)",-24}{ms(forward[0]),8:0.000} fwd {ms(backward[0]),8:0.000} bwd"));
        for (int l = chainEnd + 1; l < layerCount; l++)
            Console.WriteLine(string.Create(inv, $"  {network.Layers[l].Name,-24}{ms(forward[l]),8:0.000} fwd {ms(backward[l]),8:0.000} bwd"));
        Console.WriteLine(string.Create(inv, $"  {"loss",-24}{ms(lossTime),8:0.000}"));
        Console.WriteLine(string.Create(inv, $"  {"adam",-24}{ms(update),8:0.000}"));
        double total = gather + lossTime + update + forward.Sum() + backward.Sum();
        Console.WriteLine(string.Create(inv, $"  {"total",-24}{ms(total),8:0.000}  → {ms(total) * Math.Ceiling(60000.0 / batch) / 1e3:0.00} s per epoch"));
        Console.WriteLine(string.Create(inv, $"  {"elapsed (wall clock)",-24}{ms(wall),8:0.000}  → {ms(wall) * Math.Ceiling(60000.0 / batch) / 1e3:0.00} s per epoch"));
        Array.Sort(stepWall);
        double median = stepWall[steps / 2] * 1e3;
        Console.WriteLine(string.Create(inv, $"  {"median step (wall)",-24}{median,8:0.000}  → {median * Math.Ceiling(60000.0 / batch) / 1e3:0.00} s per epoch"));
        // The step's multiply-adds as dense products count them (2 flops each): forward, dW and (past the first layer) dX.
        double stepFlops = network.Layers.Select((l, i) => l switch
        {
            Conv2D c => 2.0 * batch * c.Filters * c.InputShape.Channels * c.KernelSize * c.KernelSize * c.OutputShape.Height * c.OutputShape.Width,
            Linear d => 2.0 * batch * d.Inputs * d.Outputs,
            _ => 0,
        } * (i == 0 ? 2 : 3)).Sum();
        double ceiling = StepProfile.MeasureCeiling(), stepGflops = stepFlops / (median * 1e6);
        Console.WriteLine(string.Create(inv, $"  {StepProfile.CpuName()}; FMA ceiling measured now {ceiling:0.0} GFLOP/s per core"));
        Console.WriteLine(string.Create(inv, $"  whole step: {stepFlops / 1e6:0} MFLOP (dense count) in the median {median:0.000} ms = {stepGflops:0.0} GFLOP/s " +
            $"= {stepGflops / (ceiling * ComputeSettings.ThreadCount):0%} of {ComputeSettings.ThreadCount} x the ceiling"));
        Console.WriteLine(string.Create(inv, $"  allocated: {(double)allocated / steps:0} B per step on this thread, {(double)processAllocated / steps:0} B in the process"));
        // The trained weights' bits, to compare builds and thread counts (the same steps give the same weights).
        ulong hash = 14695981039346656037;
        foreach (Parameter p in network.Parameters)
            foreach (float v in p.Value.Span) hash = (hash ^ (uint)BitConverter.SingleToInt32Bits(v)) * 1099511628211;
        Console.WriteLine($"  weights after the steps: hash {hash:x16}");
        if (ComputeSettings.ThreadCount > 1)   // a stall makes the pool run the next jobs on the caller alone
            Console.WriteLine(string.Create(inv, $"  worker stalls (pool fell back to one thread): {ComputeContext.Current.Pool.Stalls}; jobs forked per step: {(double)jobs / steps:0.0}"));
        if (args.Contains("--parts"))
            foreach (Conv2D conv in network.Layers.OfType<Conv2D>())
            {
                ProfileIm2ColParts(conv, batch, steps, ceiling);
                ProfileDirectParts(conv, batch, steps, ceiling);
            }
        return 0;
    }

    // The im2col route of one Conv2D on a batch, piece by piece, with the layer's own group size.
    private static void ProfileIm2ColParts(Conv2D conv, int batch, int steps, double ceiling)
    {
        var g = new ConvGeometry(conv.InputShape, conv.KernelSize, conv.Stride, conv.Padding);
        int positions = g.OutputPlane, filters = conv.Filters;
        int group = Math.Clamp(conv.ColumnBudget / (g.PatchSize * positions), 1, batch);
        var random = new Random(1);
        Matrix x = Random(batch, conv.InputShape.Size, random), dy = Random(batch, conv.OutputShape.Size, random);
        Matrix dx = new(batch, conv.InputShape.Size), y = new(batch, conv.OutputShape.Size);
        Matrix u = new(0, 0), z = new(0, 0), du = new(0, 0), dw = new(filters, g.PatchSize);
        double[] t = new double[7];
        for (int s = -2; s < steps; s++)
            for (int first = 0; first < batch; first += group)
            {
                int count = Math.Min(group, batch - first);
                double a = StepProfile.ThreadCpuSeconds();
                Im2Col.Unfold(x, first, count, g, u);
                double b = StepProfile.ThreadCpuSeconds();
                z.Reshape(filters, count * positions);
                Gemm.Multiply(conv.Weights.Value, u, z);
                double c = StepProfile.ThreadCpuSeconds();
                for (int i = 0; i < count; i++)   // scatter: Y[first + i, f, ·] = Z[f, i·P ..]
                    for (int f = 0; f < filters; f++)
                        z.Span.Slice(f * z.Cols + i * positions, positions).CopyTo(y.Row(first + i).Slice(f * positions, positions));
                double d = StepProfile.ThreadCpuSeconds();
                for (int i = 0; i < count; i++)   // gather: the inverse
                    for (int f = 0; f < filters; f++)
                        dy.Row(first + i).Slice(f * positions, positions).CopyTo(z.Span.Slice(f * z.Cols + i * positions, positions));
                double e = StepProfile.ThreadCpuSeconds();
                Gemm.MultiplyTransposeB(z, u, dw, accumulate: first > 0);
                double f1 = StepProfile.ThreadCpuSeconds();
                du.Reshape(g.PatchSize, count * positions);
                Gemm.MultiplyTransposeA(conv.Weights.Value, z, du);
                double f2 = StepProfile.ThreadCpuSeconds();
                Im2Col.Fold(du, first, count, g, dx);
                double f3 = StepProfile.ThreadCpuSeconds();
                if (s < 0) continue;
                t[0] += b - a; t[1] += c - b; t[2] += d - c; t[3] += e - d; t[4] += f1 - e; t[5] += f2 - f1; t[6] += f3 - f2;
            }
        string[] names = ["unfold (im2col)", "Z = W·U", "scatter Z → Y", "gather dY → dZ", "dW += dZ·Uᵀ", "dU = Wᵀ·dZ", "fold (col2im)"];
        long[] flops = [0, 2L * filters * g.PatchSize * positions * batch, 0, 0, 2L * filters * g.PatchSize * positions * batch, 2L * filters * g.PatchSize * positions * batch, 0];
        CultureInfo inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{conv.Name}, im2col route in groups of {group} image(s), ms per batch of {batch}:"));
        for (int i = 0; i < names.Length; i++)
        {
            double ms = t[i] / steps * 1e3;
            string rate = flops[i] > 0 ? string.Create(inv, $"  {flops[i] / (ms * 1e-3) / 1e9,6:0.0} GFLOP/s = {flops[i] / (ms * 1e-3) / 1e9 / ceiling,4:0%} of the ceiling") : "";
            Console.WriteLine(string.Create(inv, $"  {names[i],-24}{ms,8:0.000}{rate}"));
        }
    }

    // The direct kernels of one Conv2D (what the layer runs for stride 1) on a batch, one thread.
    private static void ProfileDirectParts(Conv2D conv, int batch, int steps, double ceiling)
    {
        ImageShape i = conv.InputShape, o = conv.OutputShape;
        int k = conv.KernelSize, p = conv.Padding;
        var forward = new DirectConvolution.Plan(i.Channels, i.Height, i.Width, conv.Filters, k, p);
        var backward = new DirectConvolution.Plan(conv.Filters, o.Height, o.Width, i.Channels, k, k - 1 - p);
        var random = new Random(1);
        Matrix x = Random(batch, i.Size, random), dy = Random(batch, o.Size, random), y = new(batch, o.Size), dx = new(batch, i.Size);
        float[] packed = new float[forward.PackedLength], flipped = new float[conv.Weights.Value.Length], packedFlipped = new float[backward.PackedLength];
        DirectConvolution.PackFilters(conv.Weights.Value.Span, forward, packed);
        DirectConvolution.FlipForInputGradient(conv.Weights.Value.Span, conv.Filters, i.Channels, k, flipped);
        DirectConvolution.PackFilters(flipped, backward, packedFlipped);
        int columns = DirectConvolution.GradientColumns(forward);
        float[] padded = new float[forward.PaddedLength], grid = new float[forward.GridBufferLength];
        float[] paddedDy = new float[backward.PaddedLength], gridDx = new float[backward.GridBufferLength];
        float[] dyT = new float[DirectConvolution.GradientPositions(forward) * columns], gradientT = new float[DirectConvolution.GradientRows(forward) * columns];
        double[] t = new double[3];
        for (int s = -2; s < steps; s++)
        {
            double a = StepProfile.ThreadCpuSeconds();
            for (int n = 0; n < batch; n++) DirectConvolution.Correlate(x.Row(n), packed, conv.Bias.Value.Span, forward, padded, grid, y.Row(n));
            double b = StepProfile.ThreadCpuSeconds();
            for (int n = 0; n < batch; n++) DirectConvolution.AccumulateFilterGradient(x.Row(n), dy.Row(n), forward, padded, dyT, gradientT);
            double c = StepProfile.ThreadCpuSeconds();
            for (int n = 0; n < batch; n++) DirectConvolution.Correlate(dy.Row(n), packedFlipped, default, backward, paddedDy, gridDx, dx.Row(n));
            double d = StepProfile.ThreadCpuSeconds();
            if (s < 0) continue;
            t[0] += b - a; t[1] += c - b; t[2] += d - c;
        }
        long flops = 2L * conv.Filters * forward.Taps * o.Height * o.Width * batch;
        CultureInfo inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{conv.Name}, direct kernels, ms per batch of {batch} (GFLOP/s counting only real outputs):"));
        string[] names = ["Y = W ⊛ X + b", "dW += dY ⋆ X", "dX = flip(W)ᵀ ⊛ dY"];
        for (int n = 0; n < 3; n++)
        {
            double ms = t[n] / steps * 1e3;
            Console.WriteLine(string.Create(inv, $"  {names[n],-24}{ms,8:0.000}  {flops / (ms * 1e-3) / 1e9,6:0.0} GFLOP/s = {flops / (ms * 1e-3) / 1e9 / ceiling,4:0%} of the ceiling"));
        }
    }

    private static Matrix Random(int rows, int cols, Random random)
    {
        var m = new Matrix(rows, cols);
        for (int i = 0; i < m.Length; i++) m.Span[i] = (float)(random.NextDouble() * 2 - 1);
        return m;
    }
}

using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Teaching;

/// <summary>One part of a training step and the time it took, averaged over the measured steps.</summary>
public readonly record struct StepPart(string Name, double Seconds);

/// <summary>A training step's time in three groups, in seconds: the Linear layers (forward and backward), the
/// optimiser's update, and the rest (activations, the loss).</summary>
public readonly record struct StepGroups(double Linear, double Update, double Rest)
{
    /// <summary>The whole step.</summary>
    public double Total => Linear + Update + Rest;

    /// <summary>Each group divided by <paramref name="images"/>, e.g. to compare batch sizes per image.</summary>
    public StepGroups PerImage(int images) => new(Linear / images, Update / images, Rest / images);

    /// <summary>Sums the parts of <see cref="StepProfile.Measure"/> by group.</summary>
    public static StepGroups Of(IReadOnlyList<StepPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        double linear = parts.Where(p => p.Name.Contains("Linear")).Sum(p => p.Seconds);
        double update = parts.Where(p => p.Name.StartsWith("update")).Sum(p => p.Seconds);
        return new StepGroups(linear, update, parts.Sum(p => p.Seconds) - linear - update);
    }
}

/// <summary>
/// Where a training step's time goes: the same work as <c>Trainer.TrainStep</c> (forward through each
/// layer, the loss and its gradient, backward through each layer in reverse, the optimiser's update),
/// each part timed on its own in the calling thread's CPU time (<see cref="ThreadClock"/>).
/// </summary>
public static class StepProfile
{
    /// <summary>Runs <paramref name="steps"/> training steps on <paramref name="batch"/> (after a few warm-up steps) and returns the mean time of each part.</summary>
    public static IReadOnlyList<StepPart> Measure(Sequential network, Optimizer optimizer, MiniBatch batch, int steps = 100, ILoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        loss ??= new SoftmaxCrossEntropy();
        IReadOnlyList<ILayer> layers = network.Layers;
        double[] forward = new double[layers.Count];
        double[] backward = new double[layers.Count];
        double lossTime = 0, update = 0;
        var gradient = new Matrix(batch.Size, network.OutputSize);
        // Warm-up steps are run but not counted: at least 5, and at least 0.2 s of this thread's time, so that .NET
        // has had the chance to swap its quick first compilation of each method for the optimised one.
        double warmUpStart = ThreadClock.Seconds();
        for (int s = 0; s < 5 || ThreadClock.Seconds() - warmUpStart < 0.2; s++) Step(weight: 0);
        for (int s = 0; s < steps; s++) Step(weight: 1);

        void Step(double weight)
        {
            Matrix x = batch.Images;
            for (int l = 0; l < layers.Count; l++)
                forward[l] += weight * Time(() => x = layers[l].Forward(x, training: true));
            lossTime += weight * Time(() => loss.Compute(x, batch.Labels.Span, gradient));
            Matrix g = gradient;
            // As in training: the first layer skips ∂L/∂input, since nothing before it needs it.
            for (int l = layers.Count - 1; l >= 0; l--)
                backward[l] += weight * Time(() => g = layers[l].Backward(g, needInputGradient: l > 0));
            update += weight * Time(() => optimizer.Step(network.Parameters));
        }

        var parts = new List<StepPart>();
        for (int l = 0; l < layers.Count; l++) parts.Add(new($"forward {layers[l].Name}", forward[l] / steps));
        parts.Add(new("loss and its gradient", lossTime / steps));
        for (int l = layers.Count - 1; l >= 0; l--) parts.Add(new($"backward {layers[l].Name}", backward[l] / steps));
        parts.Add(new($"update ({optimizer.Name})", update / steps));
        return parts;
    }

    /// <summary>A batch of <paramref name="size"/> random 784-pixel images (values in [0, 1)) with label 0: timing
    /// does not depend on what the pixels show.</summary>
    public static MiniBatch RandomBatch(int size, int pixels = 784, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var random = new Random(seed);
        var images = new Matrix(size, pixels);
        for (int i = 0; i < images.Length; i++) images.Data[i] = (float)random.NextDouble();
        return new MiniBatch(images, new int[size]);
    }

    private static double Time(Action action)
    {
        double start = ThreadClock.Seconds();
        action();
        return ThreadClock.Seconds() - start;
    }
}

using NeuralNet.Data;
using NeuralNet.Engine;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Training;

public class ComputeContextTests
{
    // Trains a small MLP and returns its weights; the trainer runs its kernels in the given context.
    private static float[][] Train(ImageDataset data, ComputeContext compute, bool chooseThreads, Action? afterEachBatch = null)
    {
        var net = Sequential.Mlp(784, [64, 32], 10, seed: 5);
        var trainer = new Trainer(net, new Adam(1e-3), options: new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 3, ChooseThreads = chooseThreads })
        {
            Compute = compute,
        };
        trainer.BatchCompleted += _ => afterEachBatch?.Invoke();
        trainer.Fit(data);
        return net.Parameters.Select(p => p.Value.Span.ToArray()).ToArray();
    }

    [Fact]
    public async Task Two_networks_training_side_by_side_do_not_disturb_each_other()
    {
        (ImageDataset? train, ImageDataset _) = TestData.Mnist;
        ImageDataset data = train.Take(3200);
        float[][] alone = Train(data, new ComputeContext(1), chooseThreads: false);

        // Side by side: one with its thread chooser switching between 1 and 2 threads, one fixed at 2.
        var choosing = new ComputeContext(2);
        var fixedTwo = new ComputeContext(2);
        var seenByFixed = new HashSet<int>();   // the thread count the second trainer's kernels saw, batch after batch
        Task<float[][]> first = Task.Run(() => Train(data, choosing, chooseThreads: true));
        Task<float[][]> second = Task.Run(() => Train(data, fixedTwo, chooseThreads: false, () => seenByFixed.Add(ComputeContext.Current.ThreadCount)));
        float[][][] sideBySide = await Task.WhenAll(first, second);

        for (int i = 0; i < alone.Length; i++)
        {
            Assert.Equal(alone[i], sideBySide[0][i]);
            Assert.Equal(alone[i], sideBySide[1][i]);
        }
        Assert.Equal([2], seenByFixed);                        // the chooser never wrote into the other trainer's context
        Assert.Equal(2, choosing.ThreadCount);                 // and put its own back
    }

    [Fact]
    public void Use_makes_a_context_current_and_restores_the_one_it_replaced()
    {
        var outer = new ComputeContext(3);
        var inner = new ComputeContext(1);
        using (outer.Use())
        {
            using (inner.Use()) Assert.Same(inner, ComputeContext.Current);
            Assert.Same(outer, ComputeContext.Current);
        }
        Assert.Same(ComputeContext.Default, ComputeContext.Current);
    }
}

using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Tests.Optimizers;

public class AdamWAndScheduleTests
{
    private static Parameter NewParameter(string name, params float[] values)
    {
        var p = new Parameter(name, 1, values.Length, decays: name == "W");
        values.CopyTo(p.Value.Span);
        for (int i = 0; i < values.Length; i++) p.Gradient.Span[i] = 0.1f * (i + 1);
        return p;
    }

    [Fact]
    public void AdamW_without_decay_takes_the_same_steps_as_Adam()
    {
        Parameter a = NewParameter("W", 1f, -2f, 3f), b = NewParameter("W", 1f, -2f, 3f);
        var adam = new Adam(0.01);
        var adamW = new AdamW(0.01, decoupledWeightDecay: 0);

        for (int step = 0; step < 5; step++)
        {
            adam.Step([a]);
            adamW.Step([b]);
        }

        Assert.Equal(a.Value.Span.ToArray(), b.Value.Span.ToArray());
    }

    [Fact]
    public void AdamW_shrinks_weights_by_eta_lambda_but_not_biases()
    {
        Parameter w = NewParameter("W", 2f), bias = NewParameter("b", 2f);
        w.Gradient.Clear();
        bias.Gradient.Clear();
        var adamW = new AdamW(0.1, decoupledWeightDecay: 0.5);

        adamW.Step([w, bias]);

        // With a zero gradient the Adam step is zero; only the decay acts: w·(1 − 0.1·0.5).
        Assert.Equal(2f * 0.95f, w.Value[0, 0], 6);
        Assert.Equal(2f, bias.Value[0, 0]);
    }

    [Fact]
    public void Schedules_give_the_documented_rates()
    {
        var step = LearningRateSchedule.Step(0.1, every: 2, factor: 0.5);
        Assert.Equal(0.1, step.RateAt(0), 12);
        Assert.Equal(0.1, step.RateAt(1.9), 12);
        Assert.Equal(0.05, step.RateAt(2), 12);
        Assert.Equal(0.025, step.RateAt(5), 12);

        var cosine = LearningRateSchedule.Cosine(1e-3, totalEpochs: 10, minimum: 1e-5);
        Assert.Equal(1e-3, cosine.RateAt(0), 12);
        Assert.Equal((1e-3 + 1e-5) / 2, cosine.RateAt(5), 12);
        Assert.Equal(1e-5, cosine.RateAt(10), 12);
        Assert.Equal(1e-5, cosine.RateAt(12), 12);

        var warm = LearningRateSchedule.WarmUp(1, LearningRateSchedule.Cosine(1e-3, 4));
        Assert.Equal(0.5e-3, warm.RateAt(0.5), 12);
        Assert.Equal(1e-3, warm.RateAt(1), 12);
        Assert.Equal(0.5e-3, warm.RateAt(3), 12);
        Assert.True(warm.RateAt(0) > 0);
    }

    [Fact]
    public void The_trainer_follows_the_schedule()
    {
        var random = new Random(1);
        Matrix images = GradientCheck.RandomMatrix(40, 4, random);
        int[] labels = Enumerable.Range(0, 40).Select(i => i % 2).ToArray();
        var data = new ImageDataset("toy", images, labels, 2, 2, ["a", "b"]);
        var net = new Sequential(new Linear(4, 2, random: random));
        var optimizer = new Sgd(1);
        var trainer = new NeuralNet.Training.Trainer(net, optimizer, options: new TrainingOptions
        {
            Epochs = 3, BatchSize = 10, Schedule = LearningRateSchedule.Step(0.1, every: 1, factor: 0.1),
        });

        TrainingHistory history = trainer.Fit(data);

        Assert.Equal(1e-3, optimizer.LearningRate, 12);
        Assert.Equal(3, history.Epochs.Count);
    }
}

using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Optimizers;

public class OptimizerTests
{
    private static Parameter Param(float value, float gradient, bool decays = true)
    {
        var p = new Parameter("W", 1, 1, decays);
        p.Value[0, 0] = value;
        p.Gradient[0, 0] = gradient;
        return p;
    }

    [Fact]
    public void Sgd_steps_against_the_gradient()
    {
        var p = Param(1f, 2f);
        new Sgd(0.1).Step([p]);
        Assert.Equal(0.8f, p.Value[0, 0], 1e-6f);
    }

    [Fact]
    public void Momentum_accumulates_velocity()
    {
        var p = Param(0f, 1f);
        var optimizer = new Momentum(0.1, 0.9);
        optimizer.Step([p]); // v = 1, w = −0.1
        optimizer.Step([p]); // v = 1.9, w = −0.29
        Assert.Equal(-0.29f, p.Value[0, 0], 1e-6f);
    }

    [Fact]
    public void Adam_first_step_is_the_learning_rate_times_the_sign()
    {
        var big = Param(0f, 50f);
        var small = Param(0f, -0.001f);
        new Adam(0.01).Step([big, small]);
        // m̂ = g and v̂ = g² after bias correction, so the step is η·g/|g|.
        Assert.Equal(-0.01f, big.Value[0, 0], 1e-5f);
        Assert.Equal(0.01f, small.Value[0, 0], 1e-4f);
    }

    [Fact]
    public void Weight_decay_pulls_weights_toward_zero_but_not_biases()
    {
        var w = Param(2f, 0f);
        var b = Param(2f, 0f, decays: false);
        new Sgd(0.1) { WeightDecay = 0.5 }.Step([w, b]);
        Assert.Equal(2f - 0.1f * 0.5f * 2f, w.Value[0, 0], 1e-6f);
        Assert.Equal(2f, b.Value[0, 0]);
    }

    [Fact]
    public void Clipping_scales_the_global_norm_down_to_the_limit()
    {
        var a = Param(0f, 3f);
        var b = Param(0f, 4f); // global norm 5
        var optimizer = new Sgd(1.0) { GradientClipNorm = 1.0 };
        optimizer.Step([a, b]);
        Assert.Equal(5.0, optimizer.LastGradientNorm, 1e-9);
        Assert.Equal(-0.6f, a.Value[0, 0], 1e-6f);
        Assert.Equal(-0.8f, b.Value[0, 0], 1e-6f);
    }

    [Fact]
    public void Biases_and_batch_norm_scales_and_shifts_are_not_decayed()
    {
        var layers = new ILayer[] { new Linear(2, 3), new Conv2D(1, 4, 4, 2, 3), new BatchNorm(3) };

        var decaying = layers.SelectMany(l => l.Parameters).Where(p => p.Decays).Select(p => p.Name);

        Assert.Equal(["W", "W"], decaying);
    }

    [Fact]
    public void Create_knows_every_optimiser_by_name()
    {
        Assert.IsType<AdamW>(Optimizer.Create("AdamW", 1e-3, weightDecay: 0.01));
        Assert.IsType<Momentum>(Optimizer.Create("momentum", 0.05));
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Create("rmsprop", 0.1));
        Assert.Contains("adamw", e.Message);
    }

    [Fact]
    public void Every_optimiser_class_is_created_by_its_name_with_the_settings()
    {
        var classes = typeof(Optimizer).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.IsSubclassOf(typeof(Optimizer))).ToList();

        Assert.Equal(classes.Select(t => t.Name.ToLowerInvariant()).Order(StringComparer.Ordinal), Optimizer.Names);
        foreach (Type type in classes)
        {
            Optimizer optimizer = Optimizer.Create(type.Name, 0.25, weightDecay: 0.5, gradientClipNorm: 2);
            var w = Param(1f, 0f);
            optimizer.Step([w]);

            Assert.IsType(type, optimizer);
            Assert.Equal(0.25, optimizer.LearningRate);
            Assert.Equal(2, optimizer.GradientClipNorm);
            Assert.True(w.Value[0, 0] < 1f, $"{type.Name}: the weight decay did not shrink a weight with no gradient");
            Assert.True(Optimizer.DefaultLearningRate(type.Name) > 0);
        }
    }
}

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
        Parameter p = Param(1f, 2f);
        new Sgd(0.1).Step([p]);
        Assert.Equal(0.8f, p.Value[0, 0], 1e-6f);
    }

    [Fact]
    public void Momentum_accumulates_velocity()
    {
        Parameter p = Param(0f, 1f);
        var optimizer = new Momentum(0.1, 0.9);
        optimizer.Step([p]); // v = 1, w = −0.1
        optimizer.Step([p]); // v = 1.9, w = −0.29
        Assert.Equal(-0.29f, p.Value[0, 0], 1e-6f);
    }

    [Fact]
    public void Adam_first_step_is_the_learning_rate_times_the_sign()
    {
        Parameter big = Param(0f, 50f);
        Parameter small = Param(0f, -0.001f);
        new Adam(0.01).Step([big, small]);
        // m̂ = g and v̂ = g² after bias correction, so the step is η·g/|g|.
        Assert.Equal(-0.01f, big.Value[0, 0], 1e-5f);
        Assert.Equal(0.01f, small.Value[0, 0], 1e-4f);
    }

    [Fact]
    public void Weight_decay_pulls_weights_toward_zero_but_not_biases()
    {
        Parameter w = Param(2f, 0f);
        Parameter b = Param(2f, 0f, decays: false);
        new Sgd(0.1) { WeightDecay = 0.5 }.Step([w, b]);
        Assert.Equal(2f - 0.1f * 0.5f * 2f, w.Value[0, 0], 1e-6f);
        Assert.Equal(2f, b.Value[0, 0]);
    }

    [Fact]
    public void Clipping_scales_the_global_norm_down_to_the_limit()
    {
        Parameter a = Param(0f, 3f);
        Parameter b = Param(0f, 4f); // global norm 5
        var optimizer = new Sgd(1.0) { GradientClipNorm = 1.0 };
        optimizer.Step([a, b]);
        Assert.Equal(5.0, optimizer.LastGradientNorm, 1e-9);
        Assert.Equal(-0.6f, a.Value[0, 0], 1e-6f);
        Assert.Equal(-0.8f, b.Value[0, 0], 1e-6f);
    }

    [Fact]
    public void Clipping_applies_to_the_loss_gradient_and_the_decay_is_added_after_it()
    {
        // PyTorch's order: clip_grad_norm_ on the loss gradients, then step() adds λ·w. A weight with no loss
        // gradient is decayed in full, however small the clipping limit.
        Parameter w = Param(1f, 0f);
        var optimizer = new Sgd(1.0) { WeightDecay = 10, GradientClipNorm = 1 };

        optimizer.Step([w]);

        Assert.Equal(0.0, optimizer.LastGradientNorm);
        Assert.Equal(1f - 1f * 10f * 1f, w.Value[0, 0], 1e-6f);
    }

    [Fact]
    public void Clipping_then_decay_matches_the_formula_for_two_weights()
    {
        // g = (3, 4), |g| = 5, limit 1 → (0.6, 0.8); then + λw with λ = 0.5, w = (2, −1) → (1.6, 0.3); η = 0.1.
        Parameter a = Param(2f, 3f);
        Parameter b = Param(-1f, 4f);
        var optimizer = new Sgd(0.1) { WeightDecay = 0.5, GradientClipNorm = 1 };

        optimizer.Step([a, b]);

        Assert.Equal(5.0, optimizer.LastGradientNorm, 1e-9);
        Assert.Equal(2f - 0.1f * 1.6f, a.Value[0, 0], 1e-6f);
        Assert.Equal(-1f - 0.1f * 0.3f, b.Value[0, 0], 1e-6f);
    }

    [Fact]
    public void Every_Adam_step_matches_a_double_precision_reference()
    {
        // 1 − β₂ must come from the double β₂, as the bias correction does: 1f − (float)0.999 is 1.3e-5 off and
        // made every step about 6e-6 too large. Float rounding alone stays below 1e-6 of a step here.
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        float[] gradients = [0.5f, -1.25f, 2f, 0.125f, -0.75f, 1f, -0.3f, 0.9f, 0.05f, -2f];
        Parameter p = Param(0f, 0f);
        var adam = new Adam(lr, beta1, beta2, epsilon);
        double m = 0, v = 0, worst = 0;

        for (int t = 1; t <= gradients.Length; t++)
        {
            double g = gradients[t - 1], before = p.Value[0, 0];
            p.Gradient[0, 0] = gradients[t - 1];
            adam.Step([p]);
            m = beta1 * m + (1 - beta1) * g;
            v = beta2 * v + (1 - beta2) * g * g;
            double mHat = m / (1 - Math.Pow(beta1, t)), vHat = v / (1 - Math.Pow(beta2, t));
            double step = lr * mHat / (Math.Sqrt(vHat) + epsilon);
            worst = Math.Max(worst, Math.Abs(before - p.Value[0, 0] - step) / Math.Abs(step));
        }

        Assert.True(worst < 2e-6, $"a step is off by {worst:E2} of its size");
    }

    [Fact]
    public void Biases_and_batch_norm_scales_and_shifts_are_not_decayed()
    {
        var layers = new ILayer[] { new Linear(2, 3), new Conv2D(1, 4, 4, 2, 3), new BatchNorm(3) };

        IEnumerable<string> decaying = layers.SelectMany(l => l.Parameters).Where(p => p.Decays).Select(p => p.Name);

        Assert.Equal(["W", "W"], decaying);
    }

    [Fact]
    public void Create_knows_every_optimiser_by_name()
    {
        Assert.IsType<AdamW>(Optimizer.Create("AdamW", 1e-3, weightDecay: 0.01));
        Assert.IsType<Momentum>(Optimizer.Create("momentum", 0.05));
        ArgumentException e = Assert.Throws<ArgumentException>(() => Optimizer.Create("rmsprop", 0.1));
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
            var optimizer = Optimizer.Create(type.Name, 0.25, weightDecay: 0.5, gradientClipNorm: 2);
            Parameter w = Param(1f, 0f);
            optimizer.Step([w]);

            Assert.IsType(type, optimizer);
            Assert.Equal(0.25, optimizer.LearningRate);
            Assert.Equal(2, optimizer.GradientClipNorm);
            Assert.True(w.Value[0, 0] < 1f, $"{type.Name}: the weight decay did not shrink a weight with no gradient");
            Assert.True(Optimizer.DefaultLearningRate(type.Name) > 0);
        }
    }
}

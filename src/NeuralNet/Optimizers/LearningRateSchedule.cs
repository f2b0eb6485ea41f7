namespace NeuralNet.Optimizers;

/// <summary>
/// A learning rate that changes during training. <see cref="RateAt"/> gives η at a point measured in
/// epochs (fractional: 2.5 is half-way through the third epoch); the trainer sets the optimiser's
/// <see cref="Optimizer.LearningRate"/> from it before every mini-batch.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>η after <paramref name="epochs"/> epochs of training (0 at the start).</summary>
    public abstract double RateAt(double epochs);

    /// <summary>A short description for legends, e.g. <c>cosine 1e-3→0</c>.</summary>
    public abstract string Name { get; }

    /// <summary>A constant rate (the same as no schedule).</summary>
    public static LearningRateSchedule Constant(double rate) => new ConstantSchedule(rate);

    /// <summary>Step decay: η = rate · factor^⌊epochs / every⌋ (e.g. halve every 2 epochs).</summary>
    public static LearningRateSchedule Step(double rate, double every, double factor = 0.5) => new StepSchedule(rate, every, factor);

    /// <summary>
    /// Cosine annealing from <paramref name="rate"/> down to <paramref name="minimum"/> over
    /// <paramref name="totalEpochs"/>: η = min + ½(rate − min)(1 + cos(π·t/T)).
    /// </summary>
    /// <remarks>
    /// Past <paramref name="totalEpochs"/> the rate stays at <paramref name="minimum"/>. PyTorch's
    /// <c>CosineAnnealingLR</c> differs there: its cosine goes on, so the rate rises again towards
    /// <paramref name="rate"/> over the next T epochs. Both agree for t ≤ T, which is all a run of T epochs uses.
    /// </remarks>
    public static LearningRateSchedule Cosine(double rate, double totalEpochs, double minimum = 0) => new CosineSchedule(rate, totalEpochs, minimum);

    /// <summary>
    /// Linear warm-up from near 0 to the rate <paramref name="then"/> gives at the end of the warm-up, over
    /// <paramref name="warmupEpochs"/>; afterwards <paramref name="then"/>, shifted so it starts at 0.
    /// Large early steps from random weights can throw training off; warming up avoids them.
    /// </summary>
    public static LearningRateSchedule WarmUp(double warmupEpochs, LearningRateSchedule then) => new WarmUpSchedule(warmupEpochs, then);

    private static void RequirePositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive number.");
    }

    private static string Format(double value) => value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

    private sealed class ConstantSchedule : LearningRateSchedule
    {
        private readonly double rate;
        public ConstantSchedule(double rate) { RequirePositive(rate, nameof(rate)); this.rate = rate; }
        public override double RateAt(double epochs) => rate;
        public override string Name => $"constant {Format(rate)}";
    }

    private sealed class StepSchedule : LearningRateSchedule
    {
        private readonly double rate, every, factor;
        public StepSchedule(double rate, double every, double factor)
        {
            RequirePositive(rate, nameof(rate));
            RequirePositive(every, nameof(every));
            RequirePositive(factor, nameof(factor));
            (this.rate, this.every, this.factor) = (rate, every, factor);
        }
        public override double RateAt(double epochs) => rate * Math.Pow(factor, Math.Floor(Math.Max(0, epochs) / every));
        public override string Name => $"step {Format(rate)} ×{Format(factor)} every {Format(every)}";
    }

    private sealed class CosineSchedule : LearningRateSchedule
    {
        private readonly double rate, total, minimum;
        public CosineSchedule(double rate, double total, double minimum)
        {
            RequirePositive(rate, nameof(rate));
            RequirePositive(total, nameof(total));
            if (minimum < 0 || minimum > rate) throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "minimum must be in [0, rate].");
            (this.rate, this.total, this.minimum) = (rate, total, minimum);
        }
        public override double RateAt(double epochs)
        {
            double t = Math.Clamp(epochs / total, 0, 1);
            return minimum + 0.5 * (rate - minimum) * (1 + Math.Cos(Math.PI * t));
        }
        public override string Name => $"cosine {Format(rate)}→{Format(minimum)}";
    }

    private sealed class WarmUpSchedule : LearningRateSchedule
    {
        private readonly double warmup;
        private readonly LearningRateSchedule then;
        public WarmUpSchedule(double warmup, LearningRateSchedule then)
        {
            RequirePositive(warmup, nameof(warmup));
            ArgumentNullException.ThrowIfNull(then);
            (this.warmup, this.then) = (warmup, then);
        }
        public override double RateAt(double epochs) =>
            epochs < warmup ? then.RateAt(0) * Math.Max(epochs, 1e-3 * warmup) / warmup : then.RateAt(epochs - warmup);
        public override string Name => $"warm-up {Format(warmup)} + {then.Name}";
    }
}

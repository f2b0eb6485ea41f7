namespace NeuralNet.Initialization;

/// <summary>The weight initialisations, for <c>new Linear(784, 128, Init.He)</c>.</summary>
public static class Init
{
    /// <summary>He (Kaiming) normal: N(0, 2/fan_in). Keeps the variance of ReLU activations steady through depth.</summary>
    public static IInitializer He { get; } = new HeNormal();

    /// <summary>Normalized Xavier (Glorot) uniform: U(±√(6/(fan_in+fan_out))). Suits tanh, sigmoid and the output layer.</summary>
    public static IInitializer Xavier { get; } = new XavierUniform();

    /// <summary>N(0, std²) whatever the layer's size: the "naive" initialisation chapter 2 shows going wrong.</summary>
    public static IInitializer Normal(double standardDeviation) => new FixedNormal(standardDeviation);

    /// <summary>Looks an initialiser up by name (<c>he</c>, <c>xavier</c>), ignoring case.</summary>
    public static IInitializer Parse(string name) => name.ToLowerInvariant() switch
    {
        "he" or "kaiming" => He,
        "xavier" or "glorot" => Xavier,
        _ => throw new ArgumentException($"Unknown initialisation '{name}': expected 'he' or 'xavier'.", nameof(name)),
    };
}

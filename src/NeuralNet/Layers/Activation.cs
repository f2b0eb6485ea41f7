namespace NeuralNet.Layers;

/// <summary>The element-wise activations a network builder can place after each hidden layer.</summary>
public enum Activation
{
    /// <summary>max(0, z)</summary>
    ReLU,
    /// <summary>1 / (1 + e^(−z))</summary>
    Sigmoid,
    /// <summary>tanh(z)</summary>
    Tanh,
}

/// <summary>Creating activation layers from the enum or from text.</summary>
public static class Activations
{
    /// <summary>A new layer for the activation.</summary>
    public static ILayer Create(Activation activation) => activation switch
    {
        Activation.ReLU => new ReLU(),
        Activation.Sigmoid => new Sigmoid(),
        Activation.Tanh => new Tanh(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>Parses <c>relu</c>, <c>sigmoid</c> or <c>tanh</c>, ignoring case.</summary>
    public static Activation Parse(string name) =>
        Enum.TryParse(name, ignoreCase: true, out Activation activation) && Enum.IsDefined(activation)
            ? activation
            : throw new ArgumentException($"Unknown activation '{name}': expected relu, sigmoid or tanh.", nameof(name));
}

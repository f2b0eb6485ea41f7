namespace NeuralNet.Layers;

/// <summary>
/// The element-wise activations, by name, for <see cref="Sequential.Mlp"/> and <c>nn train --activation</c>.
/// Every <see cref="ActivationLayer"/> of the library with a public parameterless constructor is here under its
/// class name, so a new activation is usable as soon as its file exists.
/// </summary>
public static class Activations
{
    private static readonly Dictionary<string, Type> types = Discovery.Classes<ActivationLayer>()
        .Where(t => t.GetConstructor(Type.EmptyTypes) is not null)
        .ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The names <see cref="Create"/> accepts, in lower case and sorted: <c>gelu</c>, <c>leakyrelu</c>, <c>relu</c>, ...</summary>
    public static IReadOnlyList<string> Names { get; } = [.. types.Keys.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal)];

    /// <summary>A new activation layer, by class name ignoring case (<c>relu</c>, <c>gelu</c>, ...), with its default settings.</summary>
    /// <exception cref="ArgumentException">No activation has that name; the message lists the names.</exception>
    public static ActivationLayer Create(string name) =>
        types.TryGetValue(name, out Type? type)
            ? (ActivationLayer)Activator.CreateInstance(type)!
            : throw new ArgumentException($"Unknown activation '{name}': expected one of {string.Join(", ", Names)}.", nameof(name));
}

using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>
/// Turns a <see cref="LayerSpec"/> read from a model file back into a layer. There is no table to edit: every
/// layer class of the library rebuilds itself with <c>public static ILayer FromSpec(LayerSpec spec)</c>, and
/// its <see cref="ILayer.Spec"/> type is its class name, so a new layer is found the moment it exists.
/// </summary>
public static class LayerRegistry
{
    private static readonly Dictionary<string, Func<LayerSpec, ILayer>> factories =
        Discovery.Factories<ILayer, LayerSpec>("FromSpec", StringComparer.Ordinal);

    /// <summary>The layer type names a model file may hold, sorted.</summary>
    public static IReadOnlyList<string> Types { get; } = [.. factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Whether a model file may hold a layer of this type name.</summary>
    public static bool IsKnown(string type) => factories.ContainsKey(type);

    /// <summary>Creates the layer a spec describes (its weights are then overwritten by the file's).</summary>
    /// <exception cref="FormatException">The type is unknown, or a setting is missing or malformed.</exception>
    public static ILayer Create(LayerSpec spec) =>
        factories.TryGetValue(spec.Type, out Func<LayerSpec, ILayer>? factory)
            ? factory(spec)
            : throw new FormatException($"unknown layer type '{spec.Type}' (known: {string.Join(", ", Types)}).");
}

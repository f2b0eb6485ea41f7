using System.Collections.Concurrent;
using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>
/// Turns a <see cref="LayerSpec"/> read from a model file back into a layer. There is no table to edit: every
/// layer class of the library rebuilds itself with <c>public static ILayer FromSpec(LayerSpec spec)</c>, and
/// its <see cref="ILayer.Spec"/> type is its class name, so a new layer is found the moment it exists.
/// A layer defined outside the library (in a notebook, a test) is added with <see cref="Register"/>.
/// </summary>
public static class LayerRegistry
{
    private static readonly ConcurrentDictionary<string, Func<LayerSpec, ILayer>> factories =
        new(Discovery.Factories<ILayer, LayerSpec>("FromSpec", StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The layer type names a model file may hold, sorted.</summary>
    public static IReadOnlyList<string> Types => [.. factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Adds (or replaces) the factory for a layer type defined outside this library.</summary>
    public static void Register(string type, Func<LayerSpec, ILayer> factory) => factories[type] = factory;

    /// <summary>Whether a type name is known.</summary>
    public static bool IsKnown(string type) => factories.ContainsKey(type);

    /// <summary>Creates the layer a spec describes (its weights are then overwritten by the file's).</summary>
    /// <exception cref="FormatException">The type is unknown, or a setting is missing or malformed.</exception>
    public static ILayer Create(LayerSpec spec) =>
        factories.TryGetValue(spec.Type, out Func<LayerSpec, ILayer>? factory)
            ? factory(spec)
            : throw new FormatException($"unknown layer type '{spec.Type}' (known: {string.Join(", ", Types)}).");
}

using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>
/// Turns a <see cref="LayerSpec"/> read from a model file back into a layer. A new layer type registers
/// its factory here once, and model files can hold it.
/// </summary>
public static class LayerRegistry
{
    private static readonly Dictionary<string, Func<LayerSpec, ILayer>> factories = new(StringComparer.Ordinal)
    {
        ["Linear"] = spec => new Linear(spec.GetInt("inputs"), spec.GetInt("outputs")),
        ["ReLU"] = _ => new ReLU(),
        ["Sigmoid"] = _ => new Sigmoid(),
        ["Tanh"] = _ => new Tanh(),
        ["Softmax"] = _ => new Softmax(),
        ["Conv2D"] = spec => new Conv2D(new Tensors.ImageShape(spec.GetInt("channels"), spec.GetInt("height"), spec.GetInt("width")),
            spec.GetInt("filters"), spec.GetInt("kernel"), spec.GetInt("stride"), spec.GetInt("padding")),
        ["MaxPool2D"] = spec => new MaxPool2D(new Tensors.ImageShape(spec.GetInt("channels"), spec.GetInt("height"), spec.GetInt("width")),
            spec.GetInt("size"), spec.GetInt("stride")),
        ["Flatten"] = _ => new Flatten(),
        ["Dropout"] = spec => new Dropout(spec.GetDouble("rate"), spec.GetInt("seed")),
        ["BatchNorm"] = BatchNorm.FromSpec,
        ["LeakyReLU"] = spec => new LeakyReLU(spec.GetDouble("slope")),
        ["GELU"] = _ => new GELU(),
    };

    /// <summary>Adds (or replaces) the factory for a layer type name.</summary>
    public static void Register(string type, Func<LayerSpec, ILayer> factory)
    {
        lock (factories) factories[type] = factory;
    }

    /// <summary>Whether a type name is known.</summary>
    public static bool IsKnown(string type)
    {
        lock (factories) return factories.ContainsKey(type);
    }

    /// <summary>Creates the layer a spec describes (its weights are then overwritten by the file's).</summary>
    public static ILayer Create(LayerSpec spec)
    {
        Func<LayerSpec, ILayer>? factory;
        lock (factories) factories.TryGetValue(spec.Type, out factory);
        return factory is null
            ? throw new FormatException($"unknown layer type '{spec.Type}' (known: {string.Join(", ", factories.Keys)}).")
            : factory(spec);
    }
}

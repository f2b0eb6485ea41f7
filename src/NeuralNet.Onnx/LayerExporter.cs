using System.Reflection;
using NeuralNet.Layers;

namespace NeuralNet.Onnx;

/// <summary>
/// Writes one layer as ONNX operators (opset 17) with the mapping of its type: one <see cref="ILayerMapping"/>
/// class per layer type in Mappings/, found by reflection. A layer type without one fails with a message that
/// names the layer and the types that can be exported.
/// </summary>
internal sealed class LayerExporter(OnnxGraphBuilder graph)
{
    private static readonly Dictionary<string, ILayerMapping> Mappings =
        typeof(ILayerMapping).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(ILayerMapping).IsAssignableFrom(t))
            .Select(t => (ILayerMapping)Activator.CreateInstance(t, nonPublic: true)!)
            .ToDictionary(m => m.LayerType, StringComparer.Ordinal);

    /// <summary>The layer types this exporter knows, sorted.</summary>
    public static IReadOnlyList<string> SupportedTypes { get; } = [.. Mappings.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Adds the operators of layer <paramref name="index"/>, reading <paramref name="input"/> laid out as
    /// <paramref name="layout"/>; returns the output value's name and layout.
    /// </summary>
    /// <param name="prefix">The names of its nodes and weights start with this; <c>layer</c> and the index by default.</param>
    /// <exception cref="OnnxExportException">The layer has no ONNX mapping, or its weights do not match its settings.</exception>
    public (string Value, TensorLayout Layout) Export(int index, ILayer layer, string input, TensorLayout layout, string? prefix = null)
    {
        string type = layer.Spec.Type;
        if (!Mappings.TryGetValue(type, out ILayerMapping? mapping))
            throw new OnnxExportException(index, layer.Name, $"layer type '{type}' has no ONNX mapping (supported: {string.Join(", ", SupportedTypes)}).");
        try
        {
            return mapping.Export(new LayerToExport(graph, prefix ?? $"layer{index}", layer, input, layout));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new OnnxExportException(index, layer.Name, e.Message);
        }
    }
}

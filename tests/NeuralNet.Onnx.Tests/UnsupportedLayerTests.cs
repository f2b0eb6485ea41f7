using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Serialization;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// Every layer a model file can hold has an ONNX mapping; a network with a layer the exporter cannot express
/// fails with a message naming that layer, and writes nothing.
/// </summary>
public sealed class UnsupportedLayerTests
{
    /// <summary>A layer a user might write: a = z², which has no ONNX mapping in the exporter.</summary>
    private sealed class Square : ActivationLayer
    {
        public override string Name => "Square";
        protected override void Activate(ReadOnlySpan<float> z, Span<float> a) { for (int i = 0; i < z.Length; i++) a[i] = z[i] * z[i]; }
        protected override void Differentiate(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ)
        {
            for (int i = 0; i < z.Length; i++) dZ[i] = 2 * z[i] * dA[i];
        }
    }

    [Fact]
    public void Export_names_the_layer_it_cannot_express_and_writes_no_file()
    {
        var random = new Random(1);
        var network = new Sequential(new Linear(784, 16, Init.He, random), new Square(), new Linear(16, 10, Init.Xavier, random));
        string path = Path.Combine(Path.GetTempPath(), $"nn-onnx-unsupported-{Guid.NewGuid():N}.onnx");

        OnnxExportException error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Save(network, path));

        Assert.Equal(1, error.LayerIndex);
        Assert.Equal("Square", error.LayerName);
        Assert.StartsWith("Layer 1 (Square) cannot be exported to ONNX: layer type 'Square' has no ONNX mapping (supported: BatchNorm, Conv2D, Dropout,", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Every_layer_type_a_model_file_can_hold_has_an_ONNX_mapping()
    {
        // A layer added to the library is found by the model loader at once; this fails until the export maps it too.
        Assert.Empty(LayerRegistry.Types.Except(LayerExporter.SupportedTypes));
    }
}

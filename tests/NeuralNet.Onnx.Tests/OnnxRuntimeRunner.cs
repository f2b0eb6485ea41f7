using Microsoft.ML.OnnxRuntime;
using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Onnx.Tests;

/// <summary>Runs an exported model in ONNX Runtime, the independent checker of what we write.</summary>
public sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly InferenceSession session;
    private readonly long[] sampleDimensions;

    /// <summary>Exports <paramref name="network"/> and loads the bytes into an ONNX Runtime session.</summary>
    public OnnxRuntimeRunner(Sequential network)
    {
        session = new InferenceSession(OnnxExporter.ToBytes(network));
        sampleDimensions = OnnxExporter.InputDimensions(network).Select(d => (long)d).ToArray();
    }

    public InferenceSession Session => session;

    /// <summary>Runs every row of <paramref name="images"/> through the graph (in chunks) and returns output <paramref name="outputName"/>.</summary>
    public Matrix Run(Matrix images, string outputName, int chunkRows = 1000)
    {
        Matrix? result = null;
        for (int start = 0; start < images.Rows; start += chunkRows)
        {
            int rows = Math.Min(chunkRows, images.Rows - start);
            float[] chunk = images.Data.AsSpan(start * images.Cols, rows * images.Cols).ToArray();
            // Our rows are already C x H x W channel-major, so the same numbers form an N x C x H x W tensor.
            using var input = OrtValue.CreateTensorValueFromMemory(chunk, [rows, .. sampleDimensions]);
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [OnnxExporter.InputName], [input], [outputName]);
            ReadOnlySpan<float> values = outputs[0].GetTensorDataAsSpan<float>();
            result ??= new Matrix(images.Rows, values.Length / rows);
            values.CopyTo(result.Data.AsSpan(start * result.Cols));
        }
        return result!;
    }

    public void Dispose() => session.Dispose();
}

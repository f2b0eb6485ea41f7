using System.Security.Cryptography;
using System.Text;
using NeuralNet.Data;
using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>
/// Saves and loads a whole network — architecture and every parameter — in one binary file.
/// </summary>
/// <remarks>
/// Layout (little-endian): the 8-byte magic <c>NNMODEL\0</c>, a 16-bit format version, the layer count,
/// then per layer its type, its settings (key/value text) and its parameters (name, rows, cols, floats);
/// finally the SHA-256 of everything before it, so a corrupt or truncated file is detected. Files are
/// written to a temporary name and renamed, so a crash never leaves half a model.
/// Version 2 adds, after each layer's parameters, its <see cref="IHasState"/> state (count, then name,
/// rows, cols, floats each), e.g. batch normalisation's running statistics. A network without such
/// layers is still written as version 1, and both versions load.
/// </remarks>
public static class ModelFile
{
    /// <summary>The newest format version (2: layers may carry state after their parameters).</summary>
    public const ushort FormatVersion = 2;

    /// <summary>The oldest format version this build still reads.</summary>
    public const ushort OldestReadableVersion = 1;

    private static readonly byte[] Magic = "NNMODEL\0"u8.ToArray();
    private const int ChecksumLength = 32;

    /// <summary>Writes the network to <paramref name="path"/> atomically.</summary>
    public static void Save(Sequential network, string path)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            bool hasState = network.Layers.Any(l => l is IHasState);
            writer.Write(Magic);
            writer.Write(hasState ? FormatVersion : (ushort)1);
            writer.Write(network.Layers.Count);
            foreach (ILayer layer in network.Layers)
            {
                LayerSpec spec = layer.Spec;
                writer.Write(spec.Type);
                writer.Write(spec.Settings.Count);
                foreach ((string? key, string? value) in spec.Settings.OrderBy(s => s.Key, StringComparer.Ordinal))
                {
                    writer.Write(key);
                    writer.Write(value);
                }
                writer.Write(layer.Parameters.Count);
                foreach (Parameter parameter in layer.Parameters)
                {
                    writer.Write(parameter.Name);
                    writer.Write(parameter.Value.Rows);
                    writer.Write(parameter.Value.Cols);
                    foreach (float value in parameter.Value.Span) writer.Write(value);
                }
                if (!hasState) continue;
                IReadOnlyList<StateTensor> state = layer is IHasState stateful ? stateful.State : [];
                writer.Write(state.Count);
                foreach (StateTensor tensor in state)
                {
                    writer.Write(tensor.Name);
                    writer.Write(tensor.Value.Rows);
                    writer.Write(tensor.Value.Cols);
                    foreach (float value in tensor.Value.Span) writer.Write(value);
                }
            }
        }
        byte[] checksum = SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length));
        body.Write(checksum);
        AtomicFile.WriteAllBytes(path, body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    /// <summary>Reads a network from a model file.</summary>
    /// <remarks>
    /// A file from someone else is read as untrusted: the checksum is verified first, then every layer's
    /// settings and tensor headers are read and checked against the bytes actually present, and only then
    /// are the layers built, each limited (<see cref="LayerSpec.Budget"/>) to the values the file holds
    /// for it. So a crafted file cannot make the loader allocate much more than its own size (about twice:
    /// each parameter has a gradient beside it). Names, counts and text are bounded by the Max* constants here.
    /// </remarks>
    /// <exception cref="ModelFormatException">The file is not a model file, of another version, corrupt, holds
    /// settings or tensors that do not fit, or non-finite weights; the message names the file, the layer and the field.</exception>
    public static Sequential Load(string path) => ModelFileReader.Read(path);

    /// <summary>Reads a network from a seekable stream holding a model file; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="ModelFormatException">As for <see cref="Load(string)"/>.</exception>
    public static Sequential Load(Stream stream, string sourceName) => ModelFileReader.Read(stream, sourceName);

    /// <summary>The most layers a model file may hold (10,000).</summary>
    public const int MaxLayers = 10_000;

    /// <summary>The most settings one layer may have (256).</summary>
    public const int MaxSettings = 256;

    /// <summary>The most parameter or state tensors one layer may have (64).</summary>
    public const int MaxTensorsPerLayer = 64;

    /// <summary>The longest text (a layer type, a setting's key or value, a tensor name) in UTF-8 bytes (1,024).</summary>
    public const int MaxTextBytes = 1024;

    /// <summary>
    /// Loads the file's parameters into an existing network of the same architecture.
    /// </summary>
    /// <exception cref="ModelFormatException">The file holds another architecture; the message shows both.</exception>
    public static void LoadInto(Sequential network, string path)
    {
        Sequential saved = Load(path);
        string expected = Describe(network), actual = Describe(saved);
        if (expected != actual)
            throw new ModelFormatException(path, $"the file holds a different architecture.\n  file:    {actual}\n  network: {expected}");
        for (int i = 0; i < network.Parameters.Count; i++)
            saved.Parameters[i].Value.Span.CopyTo(network.Parameters[i].Value.Span);
        for (int i = 0; i < network.Layers.Count; i++)
            if (saved.Layers[i] is IHasState from && network.Layers[i] is IHasState to)
                for (int t = 0; t < from.State.Count; t++) from.State[t].Value.Span.CopyTo(to.State[t].Value.Span);
    }

    /// <summary>The architecture as one line of layer specs, e.g. <c>Linear(inputs=784, outputs=128) → ReLU → ...</c>.</summary>
    public static string Describe(Sequential network) => string.Join(" → ", network.Layers.Select(l => l.Spec.ToString()));

    internal static ReadOnlySpan<byte> MagicBytes => Magic;

    internal const int ChecksumBytes = ChecksumLength;
}

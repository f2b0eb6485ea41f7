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
                foreach (var (key, value) in spec.Settings.OrderBy(s => s.Key, StringComparer.Ordinal))
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
    /// <exception cref="ModelFormatException">The file is not a model file, of another version, or corrupt.</exception>
    public static Sequential Load(string path)
    {
        byte[] bytes = ReadVerified(path);
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - ChecksumLength), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        ushort version = reader.ReadUInt16();
        try
        {
            int layerCount = reader.ReadInt32();
            if (layerCount is < 1 or > 10_000) throw new FormatException($"implausible layer count {layerCount}.");
            var layers = new ILayer[layerCount];
            for (int i = 0; i < layerCount; i++)
            {
                string type = reader.ReadString();
                int settingCount = reader.ReadInt32();
                var settings = new Dictionary<string, string>();
                for (int s = 0; s < settingCount; s++) settings[reader.ReadString()] = reader.ReadString();
                ILayer layer = LayerRegistry.Create(new LayerSpec(type, settings));
                ReadParameters(reader, layer, i);
                if (version >= 2) ReadState(reader, layer, i);
                layers[i] = layer;
            }
            return new Sequential(layers);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or ShapeMismatchException or ArgumentException)
        {
            throw new ModelFormatException(path, $"cannot rebuild the network: {e.Message}", e);
        }
    }

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

    private static byte[] ReadVerified(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw new ModelFormatException(path, "the model file does not exist.", e); }
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ModelFormatException(path, "not a NeuralNet model file (the magic header NNMODEL is missing).");
        if (bytes.Length < Magic.Length + sizeof(ushort) + ChecksumLength)
            throw new ModelFormatException(path, $"truncated: only {bytes.Length} bytes.");
        ushort version = BitConverter.ToUInt16(bytes, Magic.Length);
        if (version is < OldestReadableVersion or > FormatVersion)
            throw new ModelFormatException(path, $"model format version {version}; this build reads versions {OldestReadableVersion} to {FormatVersion}.");
        ReadOnlySpan<byte> stored = bytes.AsSpan(bytes.Length - ChecksumLength);
        byte[] actual = SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength));
        if (!stored.SequenceEqual(actual))
            throw new ModelFormatException(path, "corrupt: the SHA-256 checksum at the end of the file does not match its content (truncated or modified).");
        return bytes;
    }

    private static void ReadState(BinaryReader reader, ILayer layer, int layerIndex)
    {
        IReadOnlyList<StateTensor> state = layer is IHasState stateful ? stateful.State : [];
        int count = reader.ReadInt32();
        if (count != state.Count)
            throw new FormatException($"layer {layerIndex} ({layer.Name}) should have {state.Count} state tensors, the file has {count}.");
        foreach (StateTensor tensor in state)
        {
            string name = reader.ReadString();
            int rows = reader.ReadInt32(), cols = reader.ReadInt32();
            if (name != tensor.Name || rows != tensor.Value.Rows || cols != tensor.Value.Cols)
                throw new FormatException($"layer {layerIndex} ({layer.Name}): expected state {tensor.Name} {tensor.Value.Shape}, the file has {name} {rows}x{cols}.");
            Span<float> values = tensor.Value.Span;
            for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
        }
    }

    private static void ReadParameters(BinaryReader reader, ILayer layer, int layerIndex)
    {
        int count = reader.ReadInt32();
        if (count != layer.Parameters.Count)
            throw new FormatException($"layer {layerIndex} ({layer.Name}) should have {layer.Parameters.Count} parameters, the file has {count}.");
        foreach (Parameter parameter in layer.Parameters)
        {
            string name = reader.ReadString();
            int rows = reader.ReadInt32(), cols = reader.ReadInt32();
            if (name != parameter.Name || rows != parameter.Value.Rows || cols != parameter.Value.Cols)
                throw new FormatException($"layer {layerIndex} ({layer.Name}): expected parameter {parameter.Name} {parameter.Value.Shape}, the file has {name} {rows}x{cols}.");
            Span<float> values = parameter.Value.Span;
            for (int i = 0; i < values.Length; i++) values[i] = reader.ReadSingle();
        }
    }
}

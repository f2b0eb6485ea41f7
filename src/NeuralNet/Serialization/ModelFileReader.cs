using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using NeuralNet.Layers;

namespace NeuralNet.Serialization;

/// <summary>
/// Reads a model file written by <see cref="ModelFile.Save"/> as untrusted input, in three passes over the
/// file, never holding all of it in memory: (1) the SHA-256 trailer; (2) every layer's type, settings and
/// tensor headers (name, rows, cols), checking that the values they declare are really there; (3) building
/// each layer from its spec under an allocation limit of what the file holds for it, then reading its values.
/// Every problem is a <see cref="ModelFormatException"/> that names the file, the layer, the field and the byte offset.
/// </summary>
internal sealed class ModelFileReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string path;
    private readonly Stream file;
    private readonly long end;   // where the layers end and the checksum begins

    private ModelFileReader(string path, Stream file)
    {
        this.path = path;
        this.file = file;
        end = file.Length - ModelFile.ChecksumBytes;
    }

    // One tensor as its header declares it; its values start at Offset.
    private sealed record TensorHeader(string Name, int Rows, int Cols, long Offset)
    {
        public long Count => (long)Rows * Cols;
    }

    // One layer as the file declares it, before it is built. State is null in version-1 files.
    private sealed record LayerHeader(int Index, LayerSpec Spec, TensorHeader[] Parameters, TensorHeader[]? State)
    {
        public long Values => Parameters.Sum(t => t.Count) + (State?.Sum(t => t.Count) ?? 0);

        public string Label => $"layer {Index} ({Printable(Spec.Type)})";
    }

    /// <summary>Reads the network in <paramref name="path"/>.</summary>
    public static Sequential Read(string path)
    {
        FileStream file;
        try { file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 12); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFormatException(path, "the model file does not exist.", e);
        }
        using (file) return Read(file, path);
    }

    /// <summary>Reads the network in a seekable <paramref name="stream"/>, from its start; <paramref name="sourceName"/> names it in messages.</summary>
    public static Sequential Read(Stream stream, string sourceName)
    {
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        stream.Position = 0;
        var reader = new ModelFileReader(sourceName, stream);
        ushort version = reader.VerifyHeaderAndChecksum();
        try
        {
            LayerHeader[] headers = reader.ReadHeaders(version);
            return new Sequential(headers.Select(reader.Build).ToArray());
        }
        catch (Exception e) when (e is FormatException or ArgumentException or ShapeMismatchException or EndOfStreamException)
        {
            throw new ModelFormatException(sourceName, $"cannot rebuild the network: {e.Message}", e);
        }
    }

    private ushort VerifyHeaderAndChecksum()
    {
        int headerLength = ModelFile.MagicBytes.Length + sizeof(ushort);
        Span<byte> header = stackalloc byte[headerLength];
        int read = file.ReadAtLeast(header, headerLength, throwOnEndOfStream: false);
        if (read < ModelFile.MagicBytes.Length || !header[..ModelFile.MagicBytes.Length].SequenceEqual(ModelFile.MagicBytes))
            throw new ModelFormatException(path, "not a NeuralNet model file (the magic header NNMODEL is missing).");
        if (file.Length < headerLength + ModelFile.ChecksumBytes)
            throw new ModelFormatException(path, $"truncated: only {file.Length} bytes.");
        ushort version = BitConverter.ToUInt16(header[ModelFile.MagicBytes.Length..]);
        if (version is < ModelFile.OldestReadableVersion or > ModelFile.FormatVersion)
            throw new ModelFormatException(path, $"model format version {version}; this build reads versions {ModelFile.OldestReadableVersion} to {ModelFile.FormatVersion}.");

        // The SHA-256 of everything before the trailer, streamed (a model can be large).
        file.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[1 << 12];
        for (long left = end; left > 0;)
        {
            int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) throw new ModelFormatException(path, "the file became shorter while it was read.");
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        Span<byte> stored = stackalloc byte[ModelFile.ChecksumBytes];
        file.ReadExactly(stored);
        if (!stored.SequenceEqual(hash.GetHashAndReset()))
            throw new ModelFormatException(path, "corrupt: the SHA-256 checksum at the end of the file does not match its content (truncated or modified).");
        file.Position = headerLength;
        return version;
    }

    // Pass 2: the structure, with every declared size checked against the bytes that remain.
    private LayerHeader[] ReadHeaders(ushort version)
    {
        int layerCount = ReadCount("the layer count", 1, ModelFile.MaxLayers);
        var layers = new LayerHeader[layerCount];
        for (int i = 0; i < layerCount; i++)
        {
            string type = ReadText($"layer {i}: the type name");
            if (!LayerRegistry.IsKnown(type))
                throw new FormatException($"layer {i}: unknown layer type '{Printable(type)}'.");
            string label = $"layer {i} ({type})";
            int settingCount = ReadCount($"{label}: the settings count", 0, ModelFile.MaxSettings);
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int s = 0; s < settingCount; s++)
            {
                long offset = file.Position;
                string key = ReadText($"{label}: setting {s}'s name");
                if (!settings.TryAdd(key, ReadText($"{label}: setting '{Printable(key)}'")))
                    throw new FormatException($"{label}: setting '{Printable(key)}' appears twice (byte offset {offset}).");
            }
            TensorHeader[] parameters = ReadTensorHeaders(label, "parameter");
            TensorHeader[]? state = version >= 2 ? ReadTensorHeaders(label, "state tensor") : null;
            layers[i] = new LayerHeader(i, new LayerSpec(type, settings), parameters, state);
        }
        if (file.Position != end)
            throw new FormatException($"{end - file.Position:N0} unexpected bytes after the last layer (byte offset {file.Position}).");
        return layers;
    }

    private TensorHeader[] ReadTensorHeaders(string label, string kind)
    {
        int count = ReadCount($"{label}: the {kind} count", 0, ModelFile.MaxTensorsPerLayer);
        var tensors = new TensorHeader[count];
        for (int t = 0; t < count; t++)
        {
            string name = ReadText($"{label}: {kind} {t}'s name");
            string field = $"{label}: {kind} {Printable(name)}";
            int rows = ReadCount($"{field}: rows", 0, int.MaxValue);
            int cols = ReadCount($"{field}: columns", 0, int.MaxValue);
            var tensor = new TensorHeader(name, rows, cols, file.Position);
            // Compared as values, not bytes: Count * 4 could pass 2^63 for two sides near 2^31.
            if (tensor.Count > (end - file.Position) / sizeof(float))
                throw new FormatException($"{field} declares {rows}x{cols} = {tensor.Count:N0} values ({tensor.Count:N0} x 4 bytes) " +
                                          $"at byte offset {file.Position}, but only {end - file.Position:N0} bytes remain.");
            file.Position += tensor.Count * sizeof(float);
            tensors[t] = tensor;
        }
        return tensors;
    }

    // Pass 3: one layer, built from its spec within what the file holds for it, then filled.
    private ILayer Build(LayerHeader header)
    {
        ILayer layer;
        try
        {
            layer = LayerRegistry.Create(header.Spec with { Budget = new ParameterBudget(header.Values, header.Label) });
        }
        catch (ArgumentException e)
        {
            // A constructor refused a setting (e.g. a negative size): say which layer and spec.
            throw new FormatException($"{header.Label}: the settings {Printable(header.Spec.ToString())} do not make a layer: {e.Message}", e);
        }
        Fill(header, "parameter", layer.Parameters.Select(p => (p.Name, p.Value)).ToArray(), header.Parameters);
        if (header.State is not null)
        {
            IReadOnlyList<StateTensor> state = layer is IHasState stateful ? stateful.State : [];
            Fill(header, "state tensor", state.Select(t => (t.Name, t.Value)).ToArray(), header.State);
        }
        return layer;
    }

    private void Fill(LayerHeader header, string kind, (string Name, Tensors.Matrix Value)[] expected, TensorHeader[] found)
    {
        if (expected.Length != found.Length)
            throw new FormatException($"{header.Label} should have {expected.Length} {kind}s, the file has {found.Length}.");
        for (int t = 0; t < expected.Length; t++)
        {
            (string? name, Tensors.Matrix? value) = expected[t];
            TensorHeader f = found[t];
            if (f.Name != name || f.Rows != value.Rows || f.Cols != value.Cols)
                throw new FormatException($"{header.Label}: expected {kind} {name} {value.Shape}, the file has {Printable(f.Name)} {f.Rows}x{f.Cols}.");
            file.Position = f.Offset;
            Span<float> values = value.Span;
            file.ReadExactly(MemoryMarshal.AsBytes(values));
            if (!BitConverter.IsLittleEndian)
                for (int i = 0; i < values.Length; i++)
                    values[i] = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(values[i])));
            int bad = IndexOfNonFinite(values);
            if (bad >= 0)
                throw new FormatException($"{header.Label}: {kind} {name} holds {(float.IsNaN(values[bad]) ? "NaN" : values[bad] > 0 ? "+infinity" : "-infinity")} at index {bad} (byte offset {f.Offset + 4L * bad}); " +
                                          "a usable model has only finite values (was it saved from a diverged training run?).");
        }
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    private int ReadCount(string what, int min, int max)
    {
        long offset = file.Position;
        Need(sizeof(int), what);
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        file.ReadExactly(bytes);
        int value = BitConverter.ToInt32(bytes);
        if (!BitConverter.IsLittleEndian) value = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value);
        if (value < min || value > max)
            throw new FormatException($"{what} at byte offset {offset} is {value:N0}; expected {min:N0} to {max:N0}.");
        return value;
    }

    // A string as BinaryWriter writes it: its UTF-8 length as a 7-bit encoded integer, then the bytes.
    private string ReadText(string what)
    {
        long offset = file.Position;
        int length = 0;
        for (int shift = 0; ; shift += 7)
        {
            Need(1, what);
            int b = file.ReadByte();
            if (shift == 28 && b > 0x07)
                throw new FormatException($"{what} at byte offset {offset}: the length prefix is not a valid 7-bit encoded integer.");
            length |= (b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        if (length > ModelFile.MaxTextBytes)
            throw new FormatException($"{what} at byte offset {offset} is {length:N0} bytes long; the limit is {ModelFile.MaxTextBytes:N0}.");
        Need(length, what);
        byte[] bytes = new byte[length];
        file.ReadExactly(bytes);
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"{what} at byte offset {offset} is not valid UTF-8 text.");
        }
    }

    private void Need(long bytes, string what)
    {
        if (bytes > end - file.Position)
            throw new FormatException($"{what} at byte offset {file.Position} runs past the end of the layers ({end - file.Position} bytes left).");
    }

    // Text from the file as it may appear in a message: control characters (a terminal's escape codes) shown as \uXXXX.
    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var builder = new StringBuilder(text.Length);
        foreach (char c in text) builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        return builder.ToString();
    }
}

using System.Security.Cryptography;
using System.Text;

namespace NeuralNet.Tests.Serialization;

/// <summary>
/// Builds model files byte by byte, for crafted and damaged inputs: the layout of <c>ModelFile.Save</c>
/// (magic, version, layers with settings and tensors, SHA-256 trailer), but with any sizes and any number
/// of values actually present.
/// </summary>
public sealed class ModelBytes
{
    private readonly MemoryStream body = new();
    private readonly BinaryWriter writer;

    public ModelBytes(int layerCount, ushort version = 2)
    {
        writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true);
        writer.Write("NNMODEL\0"u8);
        writer.Write(version);
        writer.Write(layerCount);
    }

    /// <summary>A layer's type and settings (the parameter and state sections follow with <see cref="Tensors"/>).</summary>
    public ModelBytes Layer(string type, params (string Key, string Value)[] settings)
    {
        writer.Write(type);
        writer.Write(settings.Length);
        foreach ((string? key, string? value) in settings)
        {
            writer.Write(key);
            writer.Write(value);
        }
        return this;
    }

    /// <summary>A tensor section: the count, then each tensor's header and <paramref name="valuesPresent"/> values (all of them when null).</summary>
    public ModelBytes Tensors(params (string Name, int Rows, int Cols, long? ValuesPresent, float Fill)[] tensors)
    {
        writer.Write(tensors.Length);
        foreach ((string? name, int rows, int cols, long? present, float fill) in tensors)
        {
            writer.Write(name);
            writer.Write(rows);
            writer.Write(cols);
            long count = present ?? (long)rows * cols;
            for (long i = 0; i < count; i++) writer.Write(fill);
        }
        return this;
    }

    /// <summary>No tensors (an activation's parameters, or a layer without state).</summary>
    public ModelBytes None() => Tensors();

    /// <summary>Raw bytes, for what the writer above cannot express (bad UTF-8, bad length prefixes).</summary>
    public ModelBytes Raw(params byte[] bytes)
    {
        writer.Write(bytes);
        return this;
    }

    /// <summary>The file: the body and its SHA-256.</summary>
    public byte[] ToArray()
    {
        writer.Flush();
        return Seal(body.ToArray());
    }

    /// <summary>Appends the SHA-256 of <paramref name="content"/>, as the loader expects it.</summary>
    public static byte[] Seal(byte[] content) => [.. content, .. SHA256.HashData(content)];

    /// <summary>Replaces a file's trailer by the SHA-256 of what comes before it (after a mutation).</summary>
    public static byte[] Reseal(byte[] file) =>
        file.Length < 32 ? file : Seal(file[..^32]);
}

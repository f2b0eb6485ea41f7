namespace NeuralNet.Cli.Infrastructure;

/// <summary>Recognises an nn model file by its first bytes, without loading it.</summary>
public static class ModelFiles
{
    // A model file starts with the 8-byte magic "NNMODEL\0" (the layout is described on NeuralNet.Serialization.ModelFile).
    private static ReadOnlySpan<byte> Magic => "NNMODEL\0"u8;

    /// <summary>Whether <paramref name="path"/> is a regular file that starts like a model file.</summary>
    public static bool LooksLikeModel(string path)
    {
        if (NeuralNet.Data.FileKinds.Of(path) != NeuralNet.Data.FileKind.Regular) return false;
        Span<byte> start = stackalloc byte[8];
        using FileStream file = File.OpenRead(path);
        return file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.SequenceEqual(Magic);
    }
}

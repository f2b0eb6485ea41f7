namespace NeuralNet.Serialization;

/// <summary>A model file cannot be loaded: not a model file, another format version, corrupt, or another architecture.</summary>
public sealed class ModelFormatException(string filePath, string problem, Exception? inner = null)
    : Exception($"{filePath}: {problem}", inner)
{
    /// <summary>The model file.</summary>
    public string FilePath { get; } = filePath;
}

using NeuralNet.Layers;
using NeuralNet.Serialization;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>Loads a model file for <c>evaluate</c> and <c>predict</c>.</summary>
public static class ModelLoader
{
    /// <summary>Loads <paramref name="path"/>; a missing file or folder is a <see cref="ModelFormatException"/> naming it.</summary>
    public static Sequential Load(string path)
    {
        if (Directory.Exists(path)) throw new ModelFormatException(path, "is a folder; expected a model file (e.g. out/model.nnm).");
        if (!File.Exists(path)) throw new ModelFormatException(path, "the model file does not exist (train one with: nn train --out DIR).");
        return ModelFile.Load(path);
    }
}

using NeuralNet.Data;
using NeuralNet.Tensors;

namespace NeuralNet.Tests;

/// <summary>Shared test inputs: real MNIST (loaded once) and small synthetic datasets.</summary>
public static class TestData
{
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test)> mnist = new(() => NeuralNet.Data.Mnist.Load());

    /// <summary>MNIST found through the library's normal lookup (CI seeds the repository's data/mnist).</summary>
    public static (ImageDataset Train, ImageDataset Test) Mnist => mnist.Value;

    /// <summary>A tiny dataset of random "images" with the given labels.</summary>
    public static ImageDataset Random(int count, int side, int classes, int seed)
    {
        var random = new Random(seed);
        var images = new Matrix(count, side * side);
        for (int i = 0; i < images.Length; i++) images.Span[i] = (float)random.NextDouble();
        int[] labels = Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray();
        return new ImageDataset("random", images, labels, side, side, Enumerable.Range(0, classes).Select(c => c.ToString()).ToArray());
    }

    /// <summary>A fresh temporary folder, deleted by the caller's using.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("neuralnet-tests-").FullName;
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
    }
}

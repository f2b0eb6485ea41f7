namespace NeuralNet.Data;

/// <summary>MNIST in one call: <c>var (train, test) = Mnist.Load();</c></summary>
public static class Mnist
{
    /// <summary>Loads MNIST's 60,000 training and 10,000 test digits, fetching and verifying the files if needed.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(string? dataDirectory = null,
        IProgress<DownloadProgress>? progress = null, Action<string>? log = null) =>
        DatasetStore.Load(Datasets.Mnist, dataDirectory, progress, log);
}

/// <summary>Fashion-MNIST in one call: <c>var (train, test) = FashionMnist.Load();</c></summary>
public static class FashionMnist
{
    /// <summary>Loads Fashion-MNIST's 60,000 training and 10,000 test images, fetching and verifying the files if needed.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(string? dataDirectory = null,
        IProgress<DownloadProgress>? progress = null, Action<string>? log = null) =>
        DatasetStore.Load(Datasets.FashionMnist, dataDirectory, progress, log);
}

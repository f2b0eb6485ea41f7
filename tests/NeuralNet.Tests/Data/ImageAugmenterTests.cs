using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Tensors;
using NeuralNet.Training;

namespace NeuralNet.Tests.Data;

public class ImageAugmenterTests
{
    // A 9x9 image with one bright pixel at (row, column).
    private static float[] Dot(int row, int column)
    {
        float[] image = new float[81];
        image[row * 9 + column] = 1f;
        return image;
    }

    [Fact]
    public void No_shift_and_no_rotation_leave_the_image_as_it_was()
    {
        var augmenter = new ImageAugmenter(new Augmentation(0, 0), 9, 9, seed: 1);
        var batch = new Matrix(1, 81, Dot(2, 7));

        augmenter.Apply(batch);

        Assert.Equal(Dot(2, 7), batch.Row(0).ToArray());
    }

    [Fact]
    public void A_whole_pixel_shift_moves_every_pixel_right_and_down()
    {
        var augmenter = new ImageAugmenter(new Augmentation(), 9, 9, seed: 1);
        float[] image = Dot(2, 3);

        augmenter.Transform(image, angle: 0, shiftX: 2, shiftY: 1);

        Assert.Equal(Dot(3, 5), image);
    }

    [Fact]
    public void A_quarter_turn_counter_clockwise_takes_the_right_edge_to_the_top()
    {
        var augmenter = new ImageAugmenter(new Augmentation(), 9, 9, seed: 1);
        float[] image = Dot(4, 8); // middle of the right edge

        augmenter.Transform(image, angle: Math.PI / 2, shiftX: 0, shiftY: 0);

        Assert.Equal(1f, image[0 * 9 + 4], 4); // middle of the top edge
        Assert.Equal(1f, image.Sum(), 4);
    }

    [Fact]
    public void Shifts_and_rotations_stay_within_the_ranges()
    {
        // A centred dot moves by the shift only (rotation turns it on the spot): at most 2 px each way.
        var augmenter = new ImageAugmenter(new Augmentation(MaxShift: 2, MaxRotationDegrees: 15), 9, 9, seed: 3);
        var batch = new Matrix(200, 81);
        for (int i = 0; i < 200; i++) Dot(4, 4).CopyTo(batch.Row(i));
        var moved = new HashSet<(int, int)>();

        augmenter.Apply(batch);

        for (int i = 0; i < 200; i++)
        {
            var image = new DigitImage(9, 9, batch.Row(i).ToArray().Select(v => Math.Clamp(v, 0f, 1f)).ToArray());
            (double row, double column) = image.CenterOfMass()!.Value;
            Assert.InRange(row, 2 - 0.05, 6 + 0.05); // bilinear sampling blurs the dot a little
            Assert.InRange(column, 2 - 0.05, 6 + 0.05);
            moved.Add(((int)Math.Round(row), (int)Math.Round(column)));
        }
        Assert.True(moved.Count >= 9, $"only {moved.Count} distinct positions: the draws are not spread over the range");
    }

    [Fact]
    public void Augmenting_a_batch_allocates_nothing()
    {
        var augmenter = new ImageAugmenter(new Augmentation(), 28, 28, seed: 1);
        var batch = new Matrix(64, 784);
        augmenter.Apply(batch); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        augmenter.Apply(batch);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Training_with_augmentation_leaves_the_dataset_untouched_and_learns()
    {
        ImageDataset train = TestData.Random(128, 28, 10, seed: 5);
        float[] before = train.Images.Span.ToArray();
        var network = Sequential.Mlp(784, [16], 10, seed: 1);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 32, Augmentation = new Augmentation() };

        TrainingHistory history = new Trainer(network, new Adam(0.001), options: options).Fit(train);

        Assert.Equal(before, train.Images.Span.ToArray());
        Assert.Equal(2, history.Epochs.Count);
        Assert.All(history.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
    }

    [Fact]
    public void Out_of_range_settings_and_wrong_image_sizes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new Augmentation(MaxShift: -1), 28, 28, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new Augmentation(MaxRotationDegrees: 200), 28, 28, 1));
        var augmenter = new ImageAugmenter(new Augmentation(), 28, 28, 1);
        ArgumentException error = Assert.Throws<ArgumentException>(() => augmenter.Apply(new Matrix(2, 100)));
        Assert.Contains("28x28", error.Message);
    }
}

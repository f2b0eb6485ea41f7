using NeuralNet.Data;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Data;

public class AugmentationAndDrawnDigitsTests
{
    [Fact]
    public void WithShiftedCopies_appends_one_shifted_copy_per_image_with_its_label()
    {
        var images = new Matrix(2, 16);
        images[0, 5] = 1f;               // image 0: one pixel at (1, 1) of a 4x4 image
        images[1, 10] = 0.5f;            // image 1: one pixel at (2, 2)
        var data = new ImageDataset("tiny", images, [3, 7], 4, 4, Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray());

        ImageDataset augmented = data.WithShiftedCopies(seed: 1, maxShift: 1);

        Assert.Equal(4, augmented.Count);
        Assert.Equal([3, 7, 3, 7], augmented.Labels);
        Assert.Equal(data.Images.Row(0).ToArray(), augmented.Images.Row(0).ToArray());
        // Each copy keeps its single pixel (a shift of at most 1 from the middle never leaves the image), somewhere within 1 pixel.
        for (int i = 0; i < 2; i++)
        {
            float[] copy = augmented.Image(2 + i).ToArray();
            int at = Array.FindIndex(copy, v => v != 0);
            int original = i == 0 ? 5 : 10;
            Assert.Single(copy, v => v != 0);
            Assert.InRange(Math.Abs(at / 4 - original / 4), 0, 1);
            Assert.InRange(Math.Abs(at % 4 - original % 4), 0, 1);
        }
    }

    [Fact]
    public void Draw_puts_dark_ink_on_the_strokes_and_light_paper_elsewhere()
    {
        DigitImage image = DrawnDigits.Draw(DrawnDigits.Strokes[7], side: 100);

        Assert.Equal(10, DrawnDigits.Strokes.Count);
        Assert.Equal(0.10f, image.Pixels[15 * 100 + 50], 3);   // on the top bar of the 7 (y = 0.15)
        Assert.Equal(0.95f, image.Pixels[95 * 100 + 5], 3);    // a corner of the page
        Assert.Equal(0.95f, image.Pixels[0], 3);
    }
}

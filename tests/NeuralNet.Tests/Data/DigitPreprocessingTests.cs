using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

/// <summary>The robust steps of <see cref="DigitImage.PrepareLikeMnist"/>: noise, specks, deskewing, stroke width, polarity.</summary>
public class DigitPreprocessingTests
{
    // A dark "1" drawn as a bar on light paper: width x height picture, the bar `thickness` px wide and
    // `length` px long, centred, leaning by `lean` columns per row (negative: top to the right, like handwriting).
    private static float[] Bar(int width, int height, double thickness, int length, double lean, float paper = 0.95f, float ink = 0.05f)
    {
        float[] pixels = Enumerable.Repeat(paper, width * height).ToArray();
        double centreRow = height / 2.0, centreColumn = width / 2.0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                double along = r + 0.5 - centreRow;
                double across = c + 0.5 - (centreColumn + lean * along);
                if (Math.Abs(along) <= length / 2.0 && Math.Abs(across) <= thickness / 2) pixels[r * width + c] = ink;
            }
        return pixels;
    }

    private static DigitImage Noisy(float[] pixels, int width, int height, double sigma, int seed)
    {
        var random = new Random(seed);
        float[] noisy = new float[pixels.Length];
        for (int i = 0; i < noisy.Length; i++)
        {
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            noisy[i] = (float)Math.Clamp(pixels[i] + sigma * gaussian, 0, 1);
        }
        return new DigitImage(width, height, noisy);
    }

    [Fact]
    public void A_thin_small_digit_on_a_large_noisy_page_is_measured_where_its_ink_is_not_called_blank()
    {
        // A 1-px "1", 30 px long, at 0.4 on grey paper at 0.835 with noise 0.018: 30 ink pixels among 76,200, too few
        // for Otsu's threshold, which splits the paper's noise instead.
        DigitImage page = Noisy(Bar(300, 254, thickness: 1.2, length: 30, lean: 0, paper: 0.835f, ink: 0.4f), 300, 254, sigma: 0.018, seed: 4);

        PreparedDigit digit = page.PrepareLikeMnist();

        Assert.True(digit.Inverted);
        Assert.InRange(digit.InkHeight, 26, 34);
        Assert.InRange(digit.InkWidth, 1, 6);
    }

    [Fact]
    public void A_noisy_page_with_a_few_dark_specks_is_still_blank()
    {
        float[] paper = Enumerable.Repeat(0.835f, 300 * 254).ToArray();
        DigitImage page = Noisy(paper, 300, 254, sigma: 0.018, seed: 5);
        foreach (int at in new[] { 1000, 20_000, 40_123, 51_000, 70_001 }) page.Pixels[at] = 0.2f;

        ArgumentException error = Assert.Throws<ArgumentException>(() => page.PrepareLikeMnist());

        Assert.Contains("looks blank", error.Message);
    }

    [Fact]
    public void Deskewing_stands_a_leaning_bar_upright()
    {
        var leaning = new DigitImage(80, 100, Bar(80, 100, thickness: 8, length: 70, lean: -0.35));

        DigitImage kept = leaning.PrepareLikeMnist(deskew: false).Image;
        PreparedDigit upright = leaning.PrepareLikeMnist();

        Assert.InRange(kept.Skew(), -0.5, -0.2);
        Assert.InRange(upright.Skew, -0.45, -0.25);           // what was sheared away
        Assert.InRange(upright.Image.Skew(), -0.05, 0.05);    // what is left
        (double row, double column) = upright.Image.CenterOfMass()!.Value;
        Assert.InRange(row, 13.5, 14.5);
        Assert.InRange(column, 13.5, 14.5);
    }

    [Fact]
    public void An_upright_digit_is_not_sheared()
    {
        PreparedDigit prepared = new DigitImage(60, 80, Bar(60, 80, 6, 60, 0)).PrepareLikeMnist();

        Assert.Equal(0, prepared.Skew);
    }

    [Theory]
    [InlineData(1.5)]  // a hairline: 1.5 px on a 90 px digit
    [InlineData(30)]   // a marker: a third of the digit's height
    public void Strokes_far_from_mnist_width_are_brought_near_it(double thickness)
    {
        float[] ring = new float[100 * 110];
        for (int r = 0; r < 110; r++)
            for (int c = 0; c < 100; c++)
            {
                double dx = c + 0.5 - 50, dy = r + 0.5 - 55, d = Math.Sqrt(dx * dx / (35.0 * 35.0) + dy * dy / (45.0 * 45.0)) * 45;
                ring[r * 100 + c] = Math.Abs(d - 45 + thickness / 2) <= thickness / 2 ? 0.05f : 0.95f;
            }
        var picture = new DigitImage(100, 110, ring);

        PreparedDigit normalized = picture.PrepareLikeMnist();
        DigitImage untouched = picture.PrepareLikeMnist(normalizeStrokes: false).Image;

        Assert.True(normalized.StrokeWidth is < 0.07 or > 0.2, $"measured {normalized.StrokeWidth:0.000}");
        double width = normalized.Image.StrokeWidth();
        Assert.InRange(width, 0.08, 0.2);
        Assert.True(Math.Abs(width - 0.13) < Math.Abs(untouched.StrokeWidth() - 0.13), $"normalized {width:0.000}, untouched {untouched.StrokeWidth():0.000}");
    }

    [Fact]
    public void Mnist_digits_measure_as_mnist_stroke_width()
    {
        (ImageDataset _, ImageDataset? test) = TestData.Mnist;
        double[] widths = Enumerable.Range(0, 200).Select(i => DigitImage.FromDataset(test, i).StrokeWidth()).OrderBy(w => w).ToArray();

        Assert.InRange(widths[widths.Length / 2], 0.1, 0.16); // the median is inside the band PrepareLikeMnist leaves alone
    }

    [Fact]
    public void Heavy_noise_is_smoothed_and_does_not_stretch_the_box()
    {
        float[] clean = Bar(120, 100, thickness: 9, length: 60, lean: 0);
        PreparedDigit reference = new DigitImage(120, 100, clean).PrepareLikeMnist();

        PreparedDigit noisy = Noisy(clean, 120, 100, sigma: 0.2, seed: 7).PrepareLikeMnist();

        Assert.True(noisy.Smoothed);
        Assert.False(reference.Smoothed);
        Assert.InRange(noisy.InkHeight, 55, 66);  // the bar, not the whole noisy picture
        Assert.InRange(noisy.InkWidth, 6, 18);
        double difference = noisy.Image.Pixels.Zip(reference.Image.Pixels, (a, b) => Math.Abs(a - b)).Sum() / reference.Image.Pixels.Sum();
        Assert.True(difference < 0.5, $"relative L1 difference to the clean digit {difference:0.00}");
    }

    [Fact]
    public void A_speck_of_dirt_in_a_corner_is_left_out_of_the_box()
    {
        float[] pixels = Bar(100, 100, thickness: 8, length: 60, lean: 0);
        for (int r = 2; r < 5; r++)
            for (int c = 2; c < 5; c++) pixels[r * 100 + c] = 0.05f;

        PreparedDigit prepared = new DigitImage(100, 100, pixels).PrepareLikeMnist();

        Assert.InRange(prepared.InkTop, 18, 22);
        Assert.InRange(prepared.InkLeft, 44, 48);
    }

    [Fact]
    public void Light_on_dark_and_dark_on_light_give_the_same_digit()
    {
        float[] dark = Bar(70, 90, 7, 60, -0.2, paper: 0.9f, ink: 0.1f);
        float[] light = Bar(70, 90, 7, 60, -0.2, paper: 0.1f, ink: 0.9f);

        PreparedDigit a = new DigitImage(70, 90, dark).PrepareLikeMnist(), b = new DigitImage(70, 90, light).PrepareLikeMnist();

        Assert.True(a.Inverted);
        Assert.False(b.Inverted);
        Assert.All(a.Image.Pixels.Zip(b.Image.Pixels), pair => Assert.Equal(pair.First, pair.Second, 3));
    }
}

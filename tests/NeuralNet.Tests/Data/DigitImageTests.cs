using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

public class DigitImageTests
{
    // A thick ring (a "0") drawn dark on light paper, small and far from the centre of a large image.
    private static DigitImage OffCentreDarkRing(int width = 120, int height = 90, int left = 85, int top = 8, int ringWidth = 14, int ringHeight = 18)
    {
        float[] pixels = Enumerable.Repeat(0.95f, width * height).ToArray();
        double cx = left + ringWidth / 2.0, cy = top + ringHeight / 2.0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                double dx = (c + 0.5 - cx) / (ringWidth / 2.0), dy = (r + 0.5 - cy) / (ringHeight / 2.0);
                double d = Math.Sqrt(dx * dx + dy * dy);
                if (d is >= 0.6 and <= 1.0) pixels[r * width + c] = 0.05f;
            }
        return new DigitImage(width, height, pixels);
    }

    [Fact]
    public void ToMnist_centres_a_small_off_centre_inverted_digit_by_its_mass()
    {
        PreparedDigit prepared = OffCentreDarkRing().PrepareLikeMnist();
        DigitImage digit = prepared.Image;

        Assert.True(prepared.Inverted);
        Assert.Equal((28, 28), (digit.Width, digit.Height));
        (double row, double column) = digit.CenterOfMass()!.Value;
        Assert.InRange(row, 13.0, 15.0);
        Assert.InRange(column, 13.0, 15.0);
        // Ink is light on black, and the background corners are exactly 0.
        Assert.Equal(0f, digit[0, 0]);
        Assert.Equal(0f, digit[27, 27]);
        Assert.Equal(1f, digit.Pixels.Max());
    }

    [Fact]
    public void ToMnist_scales_the_longer_side_of_the_ink_to_20_pixels_keeping_the_aspect_ratio()
    {
        DigitImage digit = OffCentreDarkRing(ringWidth: 14, ringHeight: 28).ToMnist();

        (int rows, int columns) = InkExtent(digit);
        Assert.InRange(rows, 19, 21);
        Assert.InRange(columns, 9, 11); // 14/28 of 20
    }

    [Fact]
    public void ToMnist_leaves_light_on_dark_digits_uninverted()
    {
        DigitImage dark = OffCentreDarkRing();
        PreparedDigit prepared = dark.Invert().PrepareLikeMnist();

        Assert.False(prepared.Inverted);
        Assert.Equal(dark.ToMnist().Pixels, prepared.Image.Pixels);
    }

    [Fact]
    public void ToMnist_of_an_mnist_digit_changes_it_little()
    {
        (ImageDataset _, ImageDataset? test) = TestData.Mnist;
        for (int i = 0; i < 20; i++)
        {
            var original = DigitImage.FromDataset(test, i);
            DigitImage again = original.PrepareLikeMnist(deskew: false).Image; // deskewing would (rightly) change slanted digits
            // MNIST put each centre of mass on (14, 14) only to the nearest pixel: compare up to a one-pixel shift.
            double difference = ShiftsWithinOnePixel().Min(shift => RelativeDifference(original, again, shift.Rows, shift.Columns));
            Assert.True(difference < 0.1, $"test image {i}: relative L1 difference {difference:0.00}");
            (double row, double column) = again.CenterOfMass()!.Value;
            Assert.InRange(row, 13.5, 14.5);
            Assert.InRange(column, 13.5, 14.5);
        }
    }

    [Fact]
    public void ToMnist_of_a_blank_image_says_it_is_blank()
    {
        var blank = new DigitImage(40, 30, Enumerable.Repeat(0.9f, 1200).ToArray());

        ArgumentException error = Assert.Throws<ArgumentException>(() => blank.ToMnist());
        Assert.Contains("blank", error.Message);
    }

    [Fact]
    public void Constructor_rejects_wrong_counts_and_values_outside_0_to_1()
    {
        Assert.Throws<ArgumentException>(() => new DigitImage(3, 3, new float[8]));
        Assert.Throws<ArgumentException>(() => new DigitImage(2, 1, [0.5f, 1.5f]));
        Assert.Throws<ArgumentException>(() => new DigitImage(2, 1, [0.5f, float.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DigitImage(0, 1, []));
    }

    [Fact]
    public void FromBytes_and_ToBytes_round_trip()
    {
        byte[] bytes = [0, 1, 127, 128, 254, 255];

        Assert.Equal(bytes, DigitImage.FromBytes(3, 2, bytes).ToBytes());
    }

    [Fact]
    public void Resample_keeps_a_uniform_image_uniform_up_and_down()
    {
        float[] flat = Enumerable.Repeat(0.5f, 7 * 5).ToArray();

        Assert.All(DigitImage.Resample(flat, 7, 5, 20, 14), v => Assert.Equal(0.5f, v, 5));
        Assert.All(DigitImage.Resample(flat, 7, 5, 3, 2), v => Assert.Equal(0.5f, v, 5));
    }

    [Fact]
    public void ToTextArt_draws_two_characters_per_pixel_with_full_ink_as_at_signs()
    {
        var image = new DigitImage(2, 2, [0f, 1f, 1f, 0f]);

        Assert.Equal("  @@\n@@  ", image.ToTextArt());
    }

    private static IEnumerable<(int Rows, int Columns)> ShiftsWithinOnePixel() =>
        from rows in new[] { -1, 0, 1 } from columns in new[] { -1, 0, 1 } select (rows, columns);

    // Σ|a shifted − b| / Σa
    private static double RelativeDifference(DigitImage a, DigitImage b, int shiftRows, int shiftColumns)
    {
        double difference = 0;
        for (int r = 0; r < b.Height; r++)
            for (int c = 0; c < b.Width; c++)
            {
                int sr = r - shiftRows, sc = c - shiftColumns;
                float original = (uint)sr < a.Height && (uint)sc < a.Width ? a[sr, sc] : 0f;
                difference += Math.Abs(original - b[r, c]);
            }
        return difference / a.Pixels.Sum();
    }

    private static (int Rows, int Columns) InkExtent(DigitImage image)
    {
        int top = int.MaxValue, bottom = -1, left = int.MaxValue, right = -1;
        for (int r = 0; r < image.Height; r++)
            for (int c = 0; c < image.Width; c++)
                if (image[r, c] > 0)
                {
                    top = Math.Min(top, r); bottom = Math.Max(bottom, r);
                    left = Math.Min(left, c); right = Math.Max(right, c);
                }
        return (bottom - top + 1, right - left + 1);
    }
}

public class PgmImageTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_then_Read_round_trips_the_grey_values(bool plainText)
    {
        var image = DigitImage.FromBytes(3, 2, [0, 64, 128, 192, 255, 7]);
        using var stream = new MemoryStream();

        PgmImage.Write(stream, image, plainText);
        DigitImage read = PgmImage.Read(stream.ToArray(), "memory");

        Assert.Equal((3, 2), (read.Width, read.Height));
        Assert.Equal(image.ToBytes(), read.ToBytes());
    }

    [Fact]
    public void Read_accepts_comments_and_sixteen_bit_values()
    {
        byte[] bytes = [.. "P5 # a comment\n2 # width\n1\n65535\n"u8, 0x00, 0x00, 0xFF, 0xFF];

        DigitImage image = PgmImage.Read(bytes, "sixteen.pgm");

        Assert.Equal([0f, 1f], image.Pixels);
    }

    [Fact]
    public void Read_of_a_truncated_file_names_it_and_the_offset()
    {
        byte[] bytes = [.. "P5\n4 4\n255\n"u8, 1, 2, 3];

        DataFileException error = Assert.Throws<DataFileException>(() => PgmImage.Read(bytes, "short.pgm"));

        Assert.Equal("short.pgm", error.FilePath);
        Assert.Contains("truncated", error.Problem);
        Assert.NotNull(error.ByteOffset);
    }

    [Theory]
    [InlineData("\x89PNG\r\n", "not a PGM")]
    [InlineData("P2\n2 1\n255\n0 300\n", "above the declared maximum")]
    [InlineData("P2\n2 x\n255\n", "decimal number")]
    [InlineData("", "empty")]
    public void Read_rejects_malformed_content(string content, string expected)
    {
        byte[] bytes = content.Select(ch => (byte)ch).ToArray();

        DataFileException error = Assert.Throws<DataFileException>(() => PgmImage.Read(bytes, "bad.pgm"));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Read_of_a_missing_file_says_so()
    {
        DataFileException error = Assert.Throws<DataFileException>(() => PgmImage.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".pgm")));

        Assert.Contains("does not exist", error.Problem);
    }
}

using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>
/// Applies an <see cref="Augmentation"/> to a mini-batch in place: every row (one image, row by row) is
/// shifted and rotated by its own random amounts, sampling the original with bilinear interpolation and
/// filling what comes in from outside with 0 (MNIST's black background). It owns one image-sized scratch
/// buffer, so augmenting a batch allocates nothing.
/// </summary>
public sealed class ImageAugmenter
{
    private readonly float[] original;
    private readonly Random random;

    /// <summary>An augmenter for <paramref name="width"/> x <paramref name="height"/> images, its draws seeded by <paramref name="seed"/>.</summary>
    public ImageAugmenter(Augmentation settings, int width, int height, int seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Settings = settings;
        Width = width;
        Height = height;
        original = new float[width * height];
        random = new Random(seed);
    }

    /// <summary>The ranges the shifts and rotations are drawn from.</summary>
    public Augmentation Settings { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Shifts and rotates every image (row) of <paramref name="batch"/> by fresh random amounts.</summary>
    /// <exception cref="ArgumentException">The rows are not width·height pixels long.</exception>
    public void Apply(Matrix batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Cols != Width * Height)
            throw new ArgumentException($"The augmenter is for {Width}x{Height} images ({Width * Height} pixels per row) but the batch is {batch.Shape}.", nameof(batch));
        for (int i = 0; i < batch.Rows; i++)
        {
            double shiftX = Uniform(Settings.MaxShift), shiftY = Uniform(Settings.MaxShift);
            double angle = Uniform(Settings.MaxRotationDegrees) * Math.PI / 180;
            Transform(batch.Row(i), angle, shiftX, shiftY);
        }
    }

    /// <summary>
    /// Rotates <paramref name="image"/> by <paramref name="angle"/> radians (positive: counter-clockwise as
    /// seen on screen) about its centre, then shifts it by (<paramref name="shiftX"/>, <paramref name="shiftY"/>)
    /// pixels (right and down), in place.
    /// </summary>
    public void Transform(Span<float> image, double angle, double shiftX, double shiftY)
    {
        if (image.Length != original.Length)
            throw new ArgumentException($"Expected {original.Length} pixels ({Width}x{Height}), got {image.Length}.", nameof(image));
        image.CopyTo(original);
        double centreX = (Width - 1) / 2.0, centreY = (Height - 1) / 2.0;
        // Each output pixel looks up where it came from: undo the shift, then rotate back by −angle.
        // Rows grow downwards, so a counter-clockwise turn on screen is (x, y) → (x·cos + y·sin, −x·sin + y·cos).
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        for (int r = 0; r < Height; r++)
        {
            double y = r - shiftY - centreY;
            for (int c = 0; c < Width; c++)
            {
                double x = c - shiftX - centreX;
                double sourceX = x * cos - y * sin + centreX;
                double sourceY = x * sin + y * cos + centreY;
                image[r * Width + c] = Sample(sourceX, sourceY);
            }
        }
    }

    private double Uniform(double max) => max == 0 ? 0 : (random.NextDouble() * 2 - 1) * max;

    // Bilinear interpolation of the original; pixels outside the image are 0.
    private float Sample(double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        float top = (1 - fx) * Pixel(x0, y0) + fx * Pixel(x0 + 1, y0);
        float bottom = (1 - fx) * Pixel(x0, y0 + 1) + fx * Pixel(x0 + 1, y0 + 1);
        return (1 - fy) * top + fy * bottom;
    }

    private float Pixel(int x, int y) => (uint)x < (uint)Width && (uint)y < (uint)Height ? original[y * Width + x] : 0f;
}

using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>Data augmentation done once, before training: one shifted copy of every image (chapter 4).</summary>
public static class ShiftedCopies
{
    /// <summary>
    /// The dataset followed by one copy of every image moved by a random whole number of pixels, up to
    /// <paramref name="maxShift"/> in each direction (the uncovered border is 0, background). Image i's copy is
    /// image <c>Count + i</c> of the result, with the same label. A digit shifted by a pixel or two is still the
    /// same digit; to a fully connected network it is a different input, so the copies teach it that.
    /// </summary>
    public static ImageDataset WithShiftedCopies(this ImageDataset data, int seed, int maxShift = 2)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        var random = new Random(seed);
        int n = data.Count, height = data.Height, width = data.Width;
        var images = new Matrix(2 * n, data.FeatureCount);
        int[] labels = new int[2 * n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> source = data.Image(i);
            source.CopyTo(images.Row(i));
            labels[i] = labels[n + i] = data.Labels[i];
            int dr = random.Next(-maxShift, maxShift + 1), dc = random.Next(-maxShift, maxShift + 1);
            Span<float> target = images.Row(n + i);
            for (int r = 0; r < height; r++)
                for (int c = 0; c < width; c++)
                {
                    // pixel (r, c) of the copy comes from (r − dr, c − dc) of the original
                    int sr = r - dr, sc = c - dc;
                    target[r * width + c] = sr >= 0 && sr < height && sc >= 0 && sc < width ? source[sr * width + sc] : 0f;
                }
        }
        return new ImageDataset(data.Name + " + shifted", images, labels, height, width, data.ClassNames);
    }
}

using NeuralNet.Data;
using NeuralNet.Engine;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Data;

public class MiniBatchSamplerTests
{
    [Fact]
    public void Byte_valued_pixels_are_packed_and_anything_else_is_not()
    {
        float[] bytes = [0f, 1f, 1 / 255f, 128 / 255f, 254 / 255f];
        Assert.Equal(new byte[] { 0, 255, 1, 128, 254 }, BytePixels.TryPack(bytes));
        foreach (float odd in new[] { 0.5f, -0f, float.NaN, 1.0001f, -1 / 255f, float.PositiveInfinity })
        {
            float[] values = [.. Enumerable.Repeat(3 / 255f, 40)];
            values[33] = odd; // past the first 16-value vectors and in the scalar tail's reach
            Assert.Null(BytePixels.TryPack(values));
            values[33] = 3 / 255f;
            values[7] = odd;
            Assert.Null(BytePixels.TryPack(values));
            float[] many = [.. Enumerable.Repeat(5 / 255f, 5000)];
            many[4500] = odd; // past the first values the packer looks at before allocating
            Assert.Null(BytePixels.TryPack(many));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Batches_hold_the_dataset_rows_bit_for_bit(bool bytePixels)
    {
        // 600 pixels a row (vectors and tails), on one and two threads (each thread a run of pixels of every row); with
        // pixels that are bytes / 255 the sampler gathers from its byte copy, with one pixel that is not, from the floats.
        var random = new Random(3);
        const int count = 90, features = 600;
        var images = new Matrix(count, features);
        for (int i = 0; i < images.Length; i++) images.Data[i] = random.Next(4) == 0 ? random.Next(256) / 255f : 0f;
        if (!bytePixels) images.Data[100] = 0.3f;
        var dataset = new ImageDataset("t", images, [.. Enumerable.Range(0, count).Select(i => i % 10)], 1, features,
            [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        List<string> expected = [.. Enumerable.Range(0, count).Select(i => Bits(images.Row(i))).Order()];
        foreach (int threads in new[] { 1, 2 })
            using (new ComputeContext(threads).Use())
            {
                // Every epoch's batches hold every row once, each the dataset's to the bit: the first epoch gathered
                // from the floats, the next from the byte copy made after it (byte pixels only).
                var sampler = new MiniBatchSampler(dataset, 64);
                for (int epoch = 0; epoch < 2; epoch++)
                {
                    Assert.Equal(bytePixels && epoch > 0, sampler.GathersFromBytes);
                    sampler.Shuffle(new Random(threads + epoch));
                    var gathered = new List<string>();
                    for (int b = 0; b < sampler.BatchCount; b++)
                    {
                        MiniBatch batch = sampler.GetBatch(b);
                        for (int r = 0; r < batch.Size; r++) gathered.Add(Bits(batch.Images.Row(r)));
                    }
                    Assert.Equal(expected, gathered.Order());
                }
            }
    }

    private static string Bits(ReadOnlySpan<float> row)
    {
        var text = new System.Text.StringBuilder();
        foreach (float v in row) text.Append(BitConverter.SingleToInt32Bits(v)).Append(',');
        return text.ToString();
    }
}

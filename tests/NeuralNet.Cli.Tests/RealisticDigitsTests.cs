using System.Text.Json;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// The preprocessing on the committed realistic-digit set (tests/NeuralNet.RealisticDigits/set: fonts and drawn
/// strokes with rotations, blur, noise, JPEG, either polarity, off-centre, thick, thin and small digits): every
/// picture comes out like an MNIST digit, and a small MNIST model reads most of them.
/// </summary>
[Collection("cli")]
public class RealisticDigitsTests(CliFixture fixture)
{
    private sealed record Sample(string Path, int Label, string Source, string Variation);

    private static readonly Lazy<List<Sample>> set = new(() =>
    {
        string? folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "NeuralNet.sln"))) folder = Path.GetDirectoryName(folder);
        string setFolder = Path.Combine(folder ?? throw new DirectoryNotFoundException("NeuralNet.sln not found above the test assembly"),
            "tests", "NeuralNet.RealisticDigits", "set");
        return File.ReadLines(Path.Combine(setFolder, "labels.csv")).Skip(1).Select(line => line.Split(','))
            .Select(f => new Sample(Path.Combine(setFolder, f[0]), int.Parse(f[1]), f[2], f[3])).ToList();
    });

    [Fact]
    public void The_set_has_30_images_of_each_variation_and_3_of_each_digit_per_variation()
    {
        Assert.Equal(330, set.Value.Count);
        Assert.All(set.Value.GroupBy(s => s.Variation), g =>
        {
            Assert.Equal(30, g.Count());
            Assert.All(g.GroupBy(s => s.Label), d => Assert.Equal(3, d.Count()));
        });
    }

    [Fact]
    public void Every_picture_is_prepared_like_an_mnist_digit()
    {
        foreach (Sample sample in set.Value)
        {
            PreparedDigit prepared = ImageFiles.Read(sample.Path).PrepareLikeMnist();
            DigitImage digit = prepared.Image;
            string name = Path.GetFileName(sample.Path);

            Assert.True(prepared.Inverted == (sample.Variation != "light-on-dark"), $"{name}: polarity guessed wrong");
            (double row, double column) = digit.CenterOfMass()!.Value;
            Assert.True(Math.Abs(row - 14) <= 0.6 && Math.Abs(column - 14) <= 0.6, $"{name}: centre of mass ({row:0.0}, {column:0.0})");
            (int rows, int columns) = Extent(digit);
            Assert.True(Math.Max(rows, columns) is >= 17 and <= 20, $"{name}: ink {rows}x{columns}, expected the longer side at 20");
            Assert.True(Math.Abs(digit.Skew()) < 0.12, $"{name}: still skewed by {digit.Skew():0.00}");
            Assert.True(digit.StrokeWidth() is > 0.06 and < 0.24, $"{name}: stroke width {digit.StrokeWidth():0.00} of the size");
        }
    }

    [Fact]
    public void A_small_mnist_model_reads_most_of_the_set_through_nn_predict()
    {
        // Six per variation (66), through the command a user runs; the small fixture model is ~93% on MNIST itself.
        var picked = set.Value.GroupBy(s => s.Variation).SelectMany(g => g.Where((_, i) => i % 5 == 0)).ToList();

        CliRun run = Nn.Run(["predict", fixture.Mnist.Path, .. picked.Select(s => s.Path), "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        int[] predicted = json.RootElement.EnumerateArray().Select(r => int.Parse(r.GetProperty("prediction").GetString()!)).ToArray();
        int correct = predicted.Where((p, i) => p == picked[i].Label).Count();
        Assert.True(correct >= 0.8 * picked.Count, $"{correct} of {picked.Count} read right");
    }

    private static (int Rows, int Columns) Extent(DigitImage image)
    {
        int top = int.MaxValue, bottom = -1, left = int.MaxValue, right = -1;
        for (int r = 0; r < image.Height; r++)
            for (int c = 0; c < image.Width; c++)
                if (image[r, c] > 0.05f)
                {
                    top = Math.Min(top, r); bottom = Math.Max(bottom, r);
                    left = Math.Min(left, c); right = Math.Max(right, c);
                }
        return (bottom - top + 1, right - left + 1);
    }
}

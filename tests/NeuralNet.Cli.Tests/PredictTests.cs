using System.Text.Json;
using NeuralNet.Data;

namespace NeuralNet.Cli.Tests;

[Collection("cli")]
public class PredictTests(CliFixture fixture)
{
    [Fact]
    public void Mnist_test_digits_round_tripped_through_png_are_classified_as_the_originals()
    {
        (Layers.Sequential? network, string? model, ImageDataset? test) = fixture.Mnist;
        using var temp = new TempFolder();
        const int count = 40;
        var files = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string file = temp.File($"digit{i:00}.png");
            TestData.WritePng(file, 28, 28, DigitImage.FromDataset(test, i).ToBytes());
            files.Add(file);
        }

        // Without deskewing, which changes slanted digits on purpose (a model trained on raw MNIST may then read them otherwise).
        CliRun run = Nn.Run(["predict", model, .. files, "--json", "--no-deskew"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        int[] predicted = json.RootElement.EnumerateArray().Select(r => int.Parse(r.GetProperty("prediction").GetString()!)).ToArray();
        int[] original = network.Predict(test.Take(count).Images);
        Assert.Equal(original, predicted);
    }

    [Fact]
    public void A_large_off_centre_dark_on_light_digit_is_classified_like_the_mnist_original()
    {
        (Layers.Sequential? network, string? model, ImageDataset? test) = fixture.Mnist;
        using var temp = new TempFolder();
        // Confidently classified digits, drawn 3x larger, dark on white paper, in the lower-right of a 160x120 picture.
        int[] picked = Enumerable.Range(0, 200)
            .Where(i => network.PredictProbabilities(DigitImage.FromDataset(test, i).ToBatch()).Span.ToArray().Max() > 0.95f)
            .Take(8).ToArray();
        var files = new List<string>();
        foreach (int i in picked)
        {
            var digit = DigitImage.FromDataset(test, i);
            byte[] picture = Enumerable.Repeat((byte)240, 160 * 120).ToArray();
            for (int r = 0; r < 84; r++)
                for (int c = 0; c < 84; c++)
                    picture[(30 + r) * 160 + 70 + c] = (byte)(240 - 230 * digit[r / 3, c / 3]);
            string file = temp.File($"big{i}.png");
            TestData.WritePng(file, 160, 120, picture);
            files.Add(file);
        }

        CliRun run = Nn.Run(["predict", model, .. files, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        var results = json.RootElement.EnumerateArray().ToList();
        Assert.All(results, r => Assert.True(r.GetProperty("inverted").GetBoolean()));
        Assert.Equal(network.Predict(test.Select(picked).Images), results.Select(r => int.Parse(r.GetProperty("prediction").GetString()!)).ToArray());
    }

    [Fact]
    public void Predict_prints_the_top_3_and_with_show_the_28x28_the_network_saw()
    {
        (Layers.Sequential _, string? model, ImageDataset? test) = fixture.Mnist;
        using var temp = new TempFolder();
        string file = temp.File("seven.pgm");
        PgmImage.Write(file, DigitImage.FromDataset(test, 0)); // test image 0 is a 7; PGM goes through the library's reader

        CliRun run = Nn.Run("predict", model, file, "--show");

        Assert.True(run.ExitCode == 0, run.ToString());
        string first = run.Out.Split('\n')[0];
        Assert.Matches(@"seven\.pgm: 7 \(\d+\.\d%\)   \d \(\d+\.\d%\)   \d \(\d+\.\d%\)", first);
        Assert.Contains("light ink on dark", run.Out);
        Assert.Equal(28, run.Out.Split('\n').Count(line => line.StartsWith("  |") && line.EndsWith('|')));
        Assert.Contains("@@", run.Out);
    }

    [Theory]
    [InlineData("bmp")]
    [InlineData("jpg")]
    [InlineData("png-with-alpha")]
    public void Bmp_jpeg_and_transparent_png_files_are_read_too(string format)
    {
        (Layers.Sequential? network, string? model, ImageDataset? test) = fixture.Mnist;
        using var temp = new TempFolder();
        var digit = DigitImage.FromDataset(test, 3);
        string file = temp.File("digit." + format[..3]);
        TestData.WriteImage(file, format, digit);

        CliRun run = Nn.Run("predict", model, file, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(network.Predict(digit.Pixels).ToString(), json.RootElement[0].GetProperty("prediction").GetString());
    }

    [Fact]
    public void Predict_json_lists_the_top_classes_with_probabilities()
    {
        (Layers.Sequential _, string? model, ImageDataset? test) = fixture.Mnist;
        using var temp = new TempFolder();
        string file = temp.File("two.png");
        TestData.WritePng(file, 28, 28, DigitImage.FromDataset(test, 1).ToBytes());

        CliRun run = Nn.Run("predict", model, file, "--json", "--top", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        JsonElement result = json.RootElement[0];
        double[] top = result.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("probability").GetDouble()).ToArray();
        Assert.Equal(5, top.Length);
        Assert.Equal(top.OrderByDescending(p => p), top);
        Assert.InRange(top.Sum(), 0, 1.0001);
    }

    [Theory]
    [InlineData("corrupt.png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5 }, "corrupt PNG image")]
    [InlineData("notes.txt", new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, "not an image")]
    [InlineData("empty.png", new byte[0], "empty")]
    [InlineData("bad.pgm", new byte[] { (byte)'P', (byte)'5', (byte)'\n', (byte)'2', (byte)' ', (byte)'2', (byte)'\n', (byte)'2', (byte)'5', (byte)'5', (byte)'\n', 1 }, "truncated")]
    public void A_bad_image_file_is_one_line_exit_2_naming_it(string name, byte[] content, string problem)
    {
        (Layers.Sequential _, string? model, ImageDataset _) = fixture.Mnist;
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File(name), content);

        CliRun run = Nn.Run("predict", model, temp.File(name));

        Assert.True(run.ExitCode == 2, run.ToString());
        string line = Assert.Single(run.Err.Trim().Split('\n'));
        Assert.Contains(name, line);
        Assert.Contains(problem, line);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void A_missing_image_or_a_blank_one_is_exit_2()
    {
        (Layers.Sequential _, string? model, ImageDataset _) = fixture.Mnist;
        using var temp = new TempFolder();
        string blank = temp.File("blank.png");
        TestData.WritePng(blank, 50, 40, Enumerable.Repeat((byte)255, 2000).ToArray());

        CliRun missing = Nn.Run("predict", model, temp.File("nothing-here.png"));
        CliRun empty = Nn.Run("predict", model, blank);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nothing-here.png: the file does not exist", missing.Err);
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("blank.png", empty.Err);
        Assert.Contains("blank", empty.Err.Replace("blank.png", ""));
    }
}

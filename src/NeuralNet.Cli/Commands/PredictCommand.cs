using System.CommandLine;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using NeuralNet.Layers;
using Spectre.Console;

namespace NeuralNet.Cli.Commands;

/// <summary>
/// <c>nn predict MODEL IMAGE...</c>: reads pictures of digits (PNG, JPEG, BMP, GIF, PGM; any size, either polarity),
/// prepares them the way MNIST was made (<see cref="DigitImage.ToMnist"/>) and prints the top classes, one picture
/// at a time. A picture that cannot be read or looks blank gets its own error line (and, with <c>--json</c>, an entry
/// with an <c>error</c>), the others are still answered, and the exit code is then 2.
/// </summary>
public static class PredictCommand
{
    public static Command Create(CliHost host)
    {
        var model = new Argument<string>("model") { Description = "The model file (written by nn train)" };
        var images = new Argument<string[]>("images") { Description = "Image files: PNG, JPEG, BMP, GIF or PGM", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { Description = "How many classes to show per image", DefaultValueFactory = _ => 3 };
        top.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--top must be at least 1."); });
        var show = new Option<bool>("--show") { Description = "Also print the 28x28 image the network saw, as text art" };
        var invert = new Option<string>("--invert") { Description = "auto: decide from the border (light border = dark ink); yes or no to force", DefaultValueFactory = _ => "auto" };
        invert.AcceptOnlyFromAmong("auto", "yes", "no");
        var classes = new Option<string>("--classes") { Description = "Class names: mnist (digits) or fashion-mnist", DefaultValueFactory = _ => "mnist" };
        classes.AcceptOnlyFromAmong("mnist", "fashion-mnist");
        var noDeskew = new Option<bool>("--no-deskew") { Description = "Do not shear slanted digits upright (by their moments) before classifying" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of text" };

        var command = new Command("predict", "Classify your own digit images with a trained model.") { model, images, top, show, invert, noDeskew, classes, json };
        command.SetGuardedAction(host, parse =>
        {
            string modelPath = parse.GetValue(model)!;
            Sequential network = ModelLoader.Load(modelPath);
            if (network.InputSize != DigitImage.MnistSide * DigitImage.MnistSide)
                throw new ShapeMismatchException($"{modelPath} expects {network.InputSize} inputs; predict feeds 28x28 = 784-pixel images.");
            IReadOnlyList<string> classNames = DatasetSource.Known(parse.GetValue(classes)!)!.ClassNames;
            if (network.OutputSize != classNames.Count)
                classNames = Enumerable.Range(0, network.OutputSize).Select(c => c.ToString()).ToArray();
            bool? forceInvert = parse.GetValue(invert) switch { "yes" => true, "no" => false, _ => null };

            bool deskew = !parse.GetValue(noDeskew), showImage = parse.GetValue(show), asJson = parse.GetValue(json);
            int k = Math.Min(parse.GetValue(top), network.OutputSize);

            // One picture at a time: read, prepare, predict, print, and let it go (memory stays that of one picture).
            // A picture that cannot be read is reported on its own line and the others are still answered.
            var entries = new List<object>();
            int refused = 0;
            try
            {
                foreach (string path in parse.GetValue(images)!)
                {
                    host.Cancellation.ThrowIfCancellationRequested();
                    (int Width, int Height, PreparedDigit Digit) picture;
                    try { picture = Prepare(path, forceInvert, deskew, host.Cancellation); }
                    catch (DataFileException e)
                    {
                        refused++;
                        host.Error.WriteLine($"error: {e.Message}");
                        entries.Add(new { file = path, error = e.Problem });
                        continue;
                    }
                    (int Class, double Probability)[] ranking = TopClasses(network.PredictProbabilities(picture.Digit.Image.ToBatch()).Row(0), k);
                    if (asJson) entries.Add(JsonEntry(path, picture, ranking, classNames, showImage));
                    else Print(host.Console, path, picture, ranking, classNames, showImage);
                    // A large picture's buffers live on the large-object heap, which the runtime collects only now and then:
                    // without this, eight 36-megapixel pictures in one run took as much memory as if all were kept.
                    if ((long)picture.Width * picture.Height >= LargePicturePixels) GC.Collect();
                }
            }
            catch (OperationCanceledException) when (host.Cancellation.IsCancellationRequested)
            {
                if (asJson) Json.Write(host, entries);
                host.Error.WriteLine("error: stopped by Ctrl+C; the pictures above were answered, the rest were not read.");
                return ExitCodes.Interrupted;
            }
            if (asJson) Json.Write(host, entries);
            return refused > 0 ? ExitCodes.DataOrModel : ExitCodes.Success;
        });
        return command;
    }

    // Reads one picture and prepares it like MNIST; only its size and the 28x28 result are kept.
    private static (int Width, int Height, PreparedDigit Digit) Prepare(string path, bool? forceInvert, bool deskew, CancellationToken cancellation)
    {
        DigitImage original = ImageFiles.Read(path, cancellation);
        try { return (original.Width, original.Height, original.PrepareLikeMnist(forceInvert, deskew)); }
        catch (ArgumentException e) { throw new DataFileException(ImageFiles.DisplayName(path), e.Message, inner: e); }
    }

    // Pictures from this size on (4 megapixels, 16 MB of float pixels) are collected as soon as they are done with.
    private const long LargePicturePixels = 4_000_000;

    private static object JsonEntry(string path, (int Width, int Height, PreparedDigit Digit) picture, (int Class, double Probability)[] ranking,
        IReadOnlyList<string> classNames, bool showImage) => new
    {
        file = path,
        prediction = classNames[ranking[0].Class],
        probability = ranking[0].Probability,
        top = ranking.Select(t => new { @class = classNames[t.Class], probability = t.Probability }),
        width = picture.Width,
        height = picture.Height,
        inverted = picture.Digit.Inverted,
        smoothed = picture.Digit.Smoothed,
        skew = picture.Digit.Skew,
        strokeWidth = picture.Digit.StrokeWidth,
        image = showImage ? picture.Digit.Image.ToTextArt().Split('\n') : null,
    };

    private static void Print(IAnsiConsole console, string path, (int Width, int Height, PreparedDigit Digit) picture, (int Class, double Probability)[] ranking,
        IReadOnlyList<string> classNames, bool showImage)
    {
        string answer = string.Join("   ", ranking.Select(t => $"{classNames[t.Class]} ({Format.Percent(t.Probability, 1)})"));
        console.WriteLine($"{ImageFiles.DisplayName(path)}: {answer}");
        if (!showImage) return;
        PreparedDigit d = picture.Digit;
        console.WriteLine($"  {picture.Width}x{picture.Height}, {(d.Inverted ? "dark ink on light (inverted)" : "light ink on dark")}, " +
                          $"{(d.Smoothed ? "noisy (smoothed), " : "")}ink {d.InkWidth}x{d.InkHeight} at ({d.InkLeft}, {d.InkTop}), " +
                          $"{(d.Skew == 0 ? "upright" : $"skew {d.Skew:0.00} sheared upright")}, stroke width {d.StrokeWidth:0.00} of its size, scaled by {d.Scale:0.###}:");
        string border = "  +" + new string('-', 2 * DigitImage.MnistSide) + "+";
        console.WriteLine(border);
        foreach (string line in d.Image.ToTextArt().Split('\n')) console.WriteLine($"  |{line}|");
        console.WriteLine(border);
    }

    private static (int Class, double Probability)[] TopClasses(ReadOnlySpan<float> probabilities, int count)
    {
        var all = new (int, double)[probabilities.Length];
        for (int c = 0; c < all.Length; c++) all[c] = (c, probabilities[c]);
        return all.OrderByDescending(p => p.Item2).ThenBy(p => p.Item1).Take(count).ToArray();
    }
}

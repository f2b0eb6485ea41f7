using System.CommandLine;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Tensors;
using Spectre.Console;

namespace NeuralNet.Cli.Commands;

/// <summary>
/// <c>nn predict MODEL IMAGE...</c>: reads pictures of digits (PNG, JPEG, BMP, PGM; any size, either polarity),
/// prepares them the way MNIST was made (<see cref="DigitImage.ToMnist"/>) and prints the top classes.
/// </summary>
public static class PredictCommand
{
    public static Command Create(CliHost host)
    {
        var model = new Argument<string>("model") { Description = "The model file (written by nn train)" };
        var images = new Argument<string[]>("images") { Description = "Image files: PNG, JPEG, BMP or PGM", Arity = ArgumentArity.OneOrMore };
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

            // Read and prepare every image first: one bad file stops the run before anything is printed.
            var prepared = new List<(string Path, DigitImage Original, PreparedDigit Digit)>();
            foreach (string path in parse.GetValue(images)!)
            {
                DigitImage original = ImageFiles.Read(path);
                try { prepared.Add((path, original, original.PrepareLikeMnist(forceInvert, deskew: !parse.GetValue(noDeskew)))); }
                catch (ArgumentException e) { throw new DataFileException(path, e.Message, inner: e); }
            }

            var batch = new Matrix(prepared.Count, network.InputSize);
            for (int i = 0; i < prepared.Count; i++) prepared[i].Digit.Image.Pixels.CopyTo(batch.Row(i));
            Matrix probabilities = network.PredictProbabilities(batch);
            int k = Math.Min(parse.GetValue(top), network.OutputSize);
            var results = prepared.Select((p, i) => (p.Path, p.Original, p.Digit, Top: TopClasses(probabilities.Row(i), k))).ToList();

            bool showImage = parse.GetValue(show);
            if (parse.GetValue(json))
            {
                Json.Write(host, results.Select(r => new
                {
                    file = r.Path,
                    prediction = classNames[r.Top[0].Class],
                    probability = r.Top[0].Probability,
                    top = r.Top.Select(t => new { @class = classNames[t.Class], probability = t.Probability }),
                    width = r.Original.Width,
                    height = r.Original.Height,
                    inverted = r.Digit.Inverted,
                    smoothed = r.Digit.Smoothed,
                    skew = r.Digit.Skew,
                    strokeWidth = r.Digit.StrokeWidth,
                    image = showImage ? r.Digit.Image.ToTextArt().Split('\n') : null,
                }));
                return ExitCodes.Success;
            }

            IAnsiConsole console = host.Console;
            foreach ((string Path, DigitImage Original, PreparedDigit Digit, (int Class, double Probability)[] Top) r in results)
            {
                string ranking = string.Join("   ", r.Top.Select(t => $"{classNames[t.Class]} ({Format.Percent(t.Probability, 1)})"));
                console.WriteLine($"{r.Path}: {ranking}");
                if (!showImage) continue;
                console.WriteLine($"  {r.Original.Width}x{r.Original.Height}, {(r.Digit.Inverted ? "dark ink on light (inverted)" : "light ink on dark")}, " +
                                  $"{(r.Digit.Smoothed ? "noisy (smoothed), " : "")}ink {r.Digit.InkWidth}x{r.Digit.InkHeight} at ({r.Digit.InkLeft}, {r.Digit.InkTop}), " +
                                  $"{(r.Digit.Skew == 0 ? "upright" : $"skew {r.Digit.Skew:0.00} sheared upright")}, stroke width {r.Digit.StrokeWidth:0.00} of its size, scaled by {r.Digit.Scale:0.###}:");
                string border = "  +" + new string('-', 2 * DigitImage.MnistSide) + "+";
                console.WriteLine(border);
                foreach (string line in r.Digit.Image.ToTextArt().Split('\n')) console.WriteLine($"  |{line}|");
                console.WriteLine(border);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static (int Class, double Probability)[] TopClasses(ReadOnlySpan<float> probabilities, int count)
    {
        var all = new (int, double)[probabilities.Length];
        for (int c = 0; c < all.Length; c++) all[c] = (c, probabilities[c]);
        return all.OrderByDescending(p => p.Item2).ThenBy(p => p.Item1).Take(count).ToArray();
    }
}

using NeuralNet.RealisticDigits;

// dotnet run --project tests/NeuralNet.RealisticDigits -c Release -- generate [FOLDER] [SEED]
// dotnet run --project tests/NeuralNet.RealisticDigits -c Release -- measure MODEL [FOLDER] [nn predict options...]
string defaultFolder = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "set");
switch (args.FirstOrDefault())
{
    case "generate":
    {
        string folder = args.Length > 1 ? args[1] : defaultFolder;
        int seed = args.Length > 2 ? int.Parse(args[2]) : 2026;
            IReadOnlyList<DigitSample> samples = DigitSet.Generate(folder, seed);
        Console.WriteLine($"Wrote {samples.Count} images and {DigitSet.ManifestName} to {Path.GetFullPath(folder)}");
        return 0;
    }
    case "measure" when args.Length > 1:
    {
        string folder = args.Length > 2 && !args[2].StartsWith('-') ? args[2] : defaultFolder;
        string[] extra = args.Skip(2).SkipWhile(a => !a.StartsWith('-')).ToArray();
        Console.Write(Measure.Run(args[1], folder, extra));
        return 0;
    }
    default:
        Console.Error.WriteLine("usage: generate [FOLDER] [SEED] | measure MODEL [FOLDER] [nn predict options]");
        return 1;
}

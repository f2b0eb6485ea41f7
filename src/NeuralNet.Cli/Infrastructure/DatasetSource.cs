using System.CommandLine;
using NeuralNet.Data;
using Spectre.Console;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>A train/test pair loaded for a command, and where it came from.</summary>
public sealed record LoadedData(ImageDataset Train, ImageDataset Test, string Name, string Folder);

/// <summary>
/// The <c>--dataset</c> and <c>--data-dir</c> options and loading what they name: a known dataset (fetched
/// and verified through <see cref="DatasetStore"/>, with a progress bar when downloading) or a folder of
/// one's own holding the four IDX files.
/// </summary>
public static class DatasetSource
{
    /// <summary>The IDX file names a dataset folder holds (each raw or .gz).</summary>
    public static readonly string[] IdxFileNames = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary><c>--dataset</c>: mnist, fashion-mnist, or a folder with the four IDX files.</summary>
    public static Option<string> DatasetOption() => new("--dataset", "-d")
    {
        Description = "mnist, fashion-mnist, or a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz)",
        DefaultValueFactory = _ => "mnist",
    };

    /// <summary><c>--data-dir</c>: the dataset cache.</summary>
    public static Option<string?> DataDirOption() => new("--data-dir")
    {
        Description = $"Dataset cache folder (default: ${DataDirectory.EnvironmentVariable}, else the repository's data/, else a per-user folder)",
    };

    /// <summary>The known dataset called <paramref name="name"/>, or null if it names none.</summary>
    public static DatasetDefinition? Known(string name)
    {
        try { return Datasets.Parse(name); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>Loads the dataset named by <paramref name="dataset"/>; with <paramref name="trainLimit"/>, only the first that many training images are read.</summary>
    /// <exception cref="UsageException">It is neither a known dataset nor a folder.</exception>
    /// <exception cref="DataFileException">A file is missing or malformed.</exception>
    public static LoadedData Load(CliHost host, string dataset, string? dataDirectory, bool quiet = false, int? trainLimit = null)
    {
        if (Known(dataset) is DatasetDefinition known)
        {
            string folder = Path.Combine(DataDirectory.Resolve(dataDirectory), known.FolderName);
            bool cached = known.Files.All(f => DatasetStore.FindCached(folder, f) is not null);
            (ImageDataset? train, ImageDataset? test) = cached
                ? DatasetStore.Load(known, dataDirectory, trainLimit: trainLimit)
                : Downloads.Run(host, quiet, known.Name, (progress, log) => DatasetStore.Load(known, dataDirectory, progress, log, trainLimit));
            return new LoadedData(train, test, known.Name, folder);
        }
        if (Directory.Exists(dataset)) return LoadFolder(dataset, trainLimit);
        throw new UsageException($"--dataset '{dataset}': expected mnist, fashion-mnist, or an existing folder with the four IDX files.");
    }

    /// <summary>The paths a loaded dataset's files may have (each IDX file raw or .gz): a command must not write over them.</summary>
    public static string[] InputFiles(LoadedData data) =>
        IdxFileNames.SelectMany(name => new[] { name, name + ".gz" }).Select(name => Path.Combine(data.Folder, name)).ToArray();

    /// <summary>The classes of a folder dataset: the digits 0..9, as in MNIST. A label outside them is an error.</summary>
    public const int FolderClassCount = 10;

    /// <summary>
    /// Loads the four IDX files of a folder (no checksums: it is the user's own data). Classes are 0..9; a
    /// label of 10 or more, an empty set, or test images of another size than the training images are errors
    /// that name the file, found before any training starts.
    /// </summary>
    /// <remarks>
    /// With <paramref name="trainLimit"/> only the first that many training images and labels are read. Before
    /// the pixels are converted to floats (4 bytes each), their size is checked against the memory available: a
    /// small gzip file can claim millions of images.
    /// </remarks>
    public static LoadedData LoadFolder(string folder, int? trainLimit = null)
    {
        string full = Path.GetFullPath(folder);
        string Find(string name) =>
            File.Exists(Path.Combine(full, name)) ? Path.Combine(full, name)
            : File.Exists(Path.Combine(full, name + ".gz")) ? Path.Combine(full, name + ".gz")
            : throw new DataFileException(Path.Combine(full, name), "missing: a dataset folder needs this file (raw or .gz).");
        string[] paths = IdxFileNames.Select(Find).ToArray();
        int?[] limits = [trainLimit, trainLimit, null, null];
        IdxArray[] arrays = paths.Select((path, i) => IdxFile.Read(path, limits[i])).ToArray();
        RequireMemoryForPixels(paths[0], arrays[0], paths[2], arrays[2]);
        string[] classNames = Enumerable.Range(0, FolderClassCount).Select(c => c.ToString()).ToArray();
        string name = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));
        var train = IdxDataset.ToImageDataset($"{name} train", arrays[0], paths[0], arrays[1], paths[1], classNames);
        var test = IdxDataset.ToImageDataset($"{name} test", arrays[2], paths[2], arrays[3], paths[3], classNames);
        if (train.Count == 0) throw new DataFileException(paths[0], "holds 0 images; a training set needs at least one.", 4);
        if (test.Count == 0) throw new DataFileException(paths[2], "holds 0 images; a test set needs at least one.", 4);
        if (test.Height != train.Height || test.Width != train.Width)
            throw new DataFileException(paths[2],
                $"the test images are {test.Height}x{test.Width} pixels but the training images ({paths[0]}) are {train.Height}x{train.Width}; both sets need the same size.", 8);
        return new LoadedData(train, test, name, full);
    }

    // The images become floats (4 bytes a pixel): refuse, naming the file, what cannot fit.
    private static void RequireMemoryForPixels(string trainPath, IdxArray train, string testPath, IdxArray test)
    {
        double needed = 4.0 * (train.ElementCount + test.ElementCount);
        long available = MemoryBudget.Available();
        if (needed > available)
        {
            (string path, IdxArray images) = train.ElementCount >= test.ElementCount ? (trainPath, train) : (testPath, test);
            throw new DataFileException(path,
                $"its {string.Join(" x ", images.Dimensions)} pixels (with the other set's) need {MemoryBudget.Describe(needed)} as floats, more than the " +
                $"{MemoryBudget.Describe(available)} available; use fewer images (--train-limit N reads only the first N).");
        }
    }
}

/// <summary>Shows dataset downloads: a progress bar per file on a terminal, plain log lines otherwise.</summary>
public static class Downloads
{
    /// <summary>Runs <paramref name="work"/> (acquiring <paramref name="what"/>), giving it a progress sink and a log.</summary>
    public static T Run<T>(CliHost host, bool quiet, string what, Func<IProgress<DownloadProgress>, Action<string>, T> work)
    {
        if (!host.IsTerminal || quiet)
            return work(new Sink(_ => { }), line => host.Error.WriteLine(line));

        T result = default!;
        var messages = new List<string>();
        host.Console.Progress()
            .AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                // A spinner with the latest message while sources are tried (a mirror that does not answer,
                // npm pack), and a bar per file being downloaded. Messages are printed once the display is gone.
                ProgressTask overall = context.AddTask(Markup.Escape($"Fetching {what}"), maxValue: 1).IsIndeterminate();
                var tasks = new Dictionary<string, ProgressTask>();
                var sink = new Sink(p =>
                {
                    if (!tasks.TryGetValue(p.FileName, out ProgressTask? task))
                        tasks[p.FileName] = task = context.AddTask(Markup.Escape(p.FileName), maxValue: p.TotalBytes ?? 1);
                    task.MaxValue = p.TotalBytes ?? Math.Max(task.MaxValue, p.BytesReceived);
                    task.Value = p.BytesReceived;
                    task.Description = Markup.Escape($"{p.FileName} {p.BytesReceived / 1e6:0.0}{(p.TotalBytes is long total ? $"/{total / 1e6:0.0}" : "")} MB");
                });
                result = work(sink, line =>
                {
                    messages.Add(line);
                    string latest = line.Length <= 70 ? line : line[..69] + "…";
                    overall.Description = Markup.Escape($"Fetching {what}: {latest}");
                });
                overall.Value = 1;
                overall.StopTask();
            });
        foreach (string message in messages) host.Console.WriteLine(message);
        return result;
    }

    // Reports synchronously on the calling thread (Progress<T> would post to the thread pool).
    private sealed class Sink(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}

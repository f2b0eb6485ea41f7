using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralNet.Data;

namespace NeuralNet.Notebooks;

/// <summary>The kind of a notebook cell.</summary>
public enum CellKind
{
    /// <summary>Markdown prose: passed through, rendered in the book.</summary>
    Markdown,

    /// <summary>Code for a kernel (see <see cref="NotebookCell.Kernel"/>).</summary>
    Code,

    /// <summary>A raw cell: kept as it is, never run.</summary>
    Raw,
}

/// <summary>One cell of a notebook.</summary>
public sealed class NotebookCell
{
    internal NotebookCell(int number, CellKind kind, string kernel, string source, IReadOnlyList<string> tags, JsonObject json)
    {
        Number = number;
        Kind = kind;
        Kernel = kernel;
        Source = source;
        Tags = tags;
        Json = json;
    }

    /// <summary>The cell's position in the notebook, counting from 1 (markdown cells included).</summary>
    public int Number { get; }

    /// <summary>Markdown, code or raw.</summary>
    public CellKind Kind { get; }

    /// <summary>The kernel a code cell is for (<c>csharp</c>, <c>fsharp</c>, <c>pwsh</c>, ...), lower case.</summary>
    public string Kernel { get; }

    /// <summary>The cell's text.</summary>
    public string Source { get; }

    /// <summary>The cell's tags (<c>metadata.tags</c>), for example <c>parameters</c>.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The outputs stored in the file (from an earlier run).</summary>
    public IReadOnlyList<CellOutput> StoredOutputs => Notebook.ReadOutputs(Json);

    /// <summary>Whether this is the papermill-style parameters cell.</summary>
    public bool IsParameters => Kind == CellKind.Code && Tags.Contains("parameters", StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the runner runs this cell: a C# code cell.</summary>
    public bool IsCSharp => Kind == CellKind.Code && Notebook.IsCSharpKernel(Kernel);

    internal JsonObject Json { get; }
}

/// <summary>
/// A Polyglot Notebooks / Jupyter notebook (.ipynb, nbformat 4). Everything in the file that the runner
/// does not change is kept as it was when the notebook is saved.
/// </summary>
public sealed class Notebook
{
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonObject _root;
    private readonly int _indent;

    private Notebook(string path, JsonObject root, IReadOnlyList<NotebookCell> cells, string defaultKernel, int indent)
    {
        Path = path;
        _root = root;
        Cells = cells;
        DefaultKernel = defaultKernel;
        _indent = indent;
    }

    /// <summary>The file the notebook was read from (full path).</summary>
    public string Path { get; }

    /// <summary>The file name, for messages.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The folder the notebook is in: relative <c>#r</c> paths and the working directory start there.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path) ?? ".";

    /// <summary>The notebook's default kernel (<c>metadata.polyglot_notebook.defaultKernelName</c>, else from the kernelspec).</summary>
    public string DefaultKernel { get; }

    /// <summary>The cells, in order.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>The first markdown heading, else the file name without extension.</summary>
    public string Title
    {
        get
        {
            foreach (NotebookCell cell in Cells.Where(c => c.Kind == CellKind.Markdown))
            {
                foreach (string line in cell.Source.Split('\n'))
                {
                    string trimmed = line.Trim();
                    if (trimmed.StartsWith('#'))
                    {
                        return trimmed.TrimStart('#').Trim();
                    }
                }
            }

            return System.IO.Path.GetFileNameWithoutExtension(Path);
        }
    }

    /// <summary>The parameters cell (tagged <c>parameters</c>), if the notebook has one.</summary>
    public NotebookCell? ParametersCell => Cells.FirstOrDefault(c => c.IsParameters);

    /// <summary>Reads a notebook file.</summary>
    /// <exception cref="NotebookFormatException">The file is not a notebook in nbformat 4.</exception>
    public static Notebook Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Notebook not found: {fullPath}", fullPath);
        }

        return Parse(File.ReadAllText(fullPath), fullPath);
    }

    /// <summary>Reads a notebook from its JSON text; <paramref name="path"/> names it in messages and anchors relative paths.</summary>
    /// <exception cref="NotebookFormatException">The text is not a notebook in nbformat 4.</exception>
    public static Notebook Parse(string json, string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        string name = System.IO.Path.GetFileName(fullPath);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(
                $"{name}: not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {e.Message.Split(" Path:")[0]}", e);
        }

        if (node is not JsonObject root)
        {
            throw new NotebookFormatException($"{name}: expected a JSON object with \"cells\" and \"nbformat\", found {Describe(node)}.");
        }

        if (root["nbformat"] is not JsonValue format || !format.TryGetValue(out int major) || major != 4)
        {
            throw new NotebookFormatException($"{name}: expected \"nbformat\": 4, found {Describe(root["nbformat"])}.");
        }

        if (root["cells"] is not JsonArray cellArray)
        {
            throw new NotebookFormatException($"{name}: expected a \"cells\" array, found {Describe(root["cells"])}.");
        }

        string defaultKernel = ReadDefaultKernel(root);
        var cells = new List<NotebookCell>();
        for (int i = 0; i < cellArray.Count; i++)
        {
            int number = i + 1;
            if (cellArray[i] is not JsonObject cell)
            {
                throw new NotebookFormatException($"{name}, cell {number}: expected a JSON object, found {Describe(cellArray[i])}.");
            }

            string? kind = cell["cell_type"]?.GetValueKind() == JsonValueKind.String ? cell["cell_type"]!.GetValue<string>() : null;
            CellKind cellKind = kind switch
            {
                "markdown" => CellKind.Markdown,
                "code" => CellKind.Code,
                "raw" => CellKind.Raw,
                _ => throw new NotebookFormatException(
                    $"{name}, cell {number}: expected \"cell_type\" \"markdown\", \"code\" or \"raw\", found {Describe(cell["cell_type"])}."),
            };

            string source = ReadMultiline(cell["source"], $"{name}, cell {number}: \"source\"");
            string[] tags = cell["metadata"]?["tags"] is JsonArray tagArray
                ? tagArray.Where(t => t?.GetValueKind() == JsonValueKind.String).Select(t => t!.GetValue<string>()).ToArray()
                : [];
            string kernel = cellKind == CellKind.Code ? ReadCellKernel(cell) ?? defaultKernel : "";
            cells.Add(new NotebookCell(number, cellKind, kernel.ToLowerInvariant(), source, tags, cell));
        }

        return new Notebook(fullPath, root, cells, defaultKernel, DetectIndent(json));
    }

    /// <summary>Writes the notebook back to <see cref="Path"/>, with the given outputs stored in its code cells.</summary>
    /// <param name="outputs">Outputs by cell number; cells not in it keep what they had.</param>
    /// <param name="executionCounts">Execution counts by cell number, as the kernel numbers them.</param>
    /// <param name="path">Where to write; <see cref="Path"/> when not given.</param>
    public void Save(IReadOnlyDictionary<int, IReadOnlyList<CellOutput>> outputs, IReadOnlyDictionary<int, int> executionCounts, string? path = null)
    {
        foreach (NotebookCell cell in Cells.Where(c => c.Kind == CellKind.Code))
        {
            if (outputs.TryGetValue(cell.Number, out IReadOnlyList<CellOutput>? cellOutputs))
            {
                cell.Json["outputs"] = WriteOutputs(cellOutputs, executionCounts.GetValueOrDefault(cell.Number));
                cell.Json["execution_count"] = executionCounts.TryGetValue(cell.Number, out int count) ? count : null;
            }
        }

        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = _indent,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        string text = _root.ToJsonString(options) + "\n";
        AtomicFile.WriteAllText(path ?? Path, text);
    }

    /// <summary>
    /// Writes a copy of the notebook to <paramref name="path"/> (atomically) with each code cell's source as
    /// <paramref name="source"/> gives it, and no outputs; the notebook itself and its file are not changed.
    /// </summary>
    public void SaveCopy(string path, Func<NotebookCell, string> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = (JsonObject)_root.DeepClone();
        var cells = (JsonArray)copy["cells"]!;
        foreach (NotebookCell cell in Cells.Where(c => c.Kind == CellKind.Code))
        {
            var json = (JsonObject)cells[cell.Number - 1]!;
            json["source"] = Lines(source(cell));
            json["outputs"] = new JsonArray();
            json["execution_count"] = null;
        }

        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = _indent, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        AtomicFile.WriteAllText(path, copy.ToJsonString(options) + "\n");
    }

    internal static bool IsCSharpKernel(string kernel) => kernel is "csharp" or "c#" or "cs" or ".net-csharp";

    internal static IReadOnlyList<CellOutput> ReadOutputs(JsonObject cell)
    {
        if (cell["outputs"] is not JsonArray array)
        {
            return [];
        }

        var outputs = new List<CellOutput>();
        foreach (JsonObject item in array.OfType<JsonObject>())
        {
            string type = item["output_type"]?.GetValueKind() == JsonValueKind.String ? item["output_type"]!.GetValue<string>() : "";
            switch (type)
            {
                case CellOutput.Stream:
                    outputs.Add(CellOutput.StreamText(Text(item["name"]) ?? "stdout", ReadMultiline(item["text"], "output text")));
                    break;
                case CellOutput.Error:
                    outputs.Add(CellOutput.ErrorText(Text(item["ename"]) ?? "Error", Text(item["evalue"]) ?? ""));
                    break;
                case CellOutput.DisplayData or CellOutput.ExecuteResult when item["data"] is JsonObject data:
                    outputs.Add(new CellOutput
                    {
                        OutputType = type,
                        Data = data.ToDictionary(p => p.Key, p => p.Value is JsonObject or null
                            ? p.Value?.ToJsonString(CompactJson) ?? ""
                            : ReadMultiline(p.Value, "output data")),
                    });
                    break;
            }
        }

        return outputs;
    }

    private static JsonArray WriteOutputs(IReadOnlyList<CellOutput> outputs, int executionCount)
    {
        var array = new JsonArray();
        foreach (CellOutput output in outputs)
        {
            var json = new JsonObject();
            switch (output.OutputType)
            {
                case CellOutput.Stream:
                    json["name"] = output.Name ?? "stdout";
                    json["output_type"] = CellOutput.Stream;
                    json["text"] = Lines(output.Text ?? "");
                    break;
                case CellOutput.Error:
                    json["ename"] = output.Name ?? "Error";
                    json["evalue"] = output.Text ?? "";
                    json["output_type"] = CellOutput.Error;
                    json["traceback"] = new JsonArray((output.Text ?? "").Split('\n').Select(l => (JsonNode?)JsonValue.Create(l)).ToArray());
                    break;
                default:
                    var data = new JsonObject();
                    foreach ((string? mimeType, string? content) in output.Data)
                    {
                        data[mimeType] = mimeType.EndsWith("json", StringComparison.Ordinal) && TryParse(content) is { } parsed
                            ? parsed
                            : Lines(content);
                    }

                    json["data"] = data;
                    if (output.OutputType == CellOutput.ExecuteResult)
                    {
                        json["execution_count"] = executionCount;
                    }

                    json["metadata"] = new JsonObject();
                    json["output_type"] = output.OutputType;
                    break;
            }

            array.Add(json);
        }

        return array;
    }

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // nbformat stores multi-line text as a list of lines, each but the last ending in "\n".
    private static JsonArray Lines(string text)
    {
        var array = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            int next = end < 0 ? text.Length : end + 1;
            array.Add(text[start..next]);
            start = next;
        }

        return array;
    }

    private static string ReadMultiline(JsonNode? node, string what) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(line => line?.GetValueKind() == JsonValueKind.String
            ? line.GetValue<string>()
            : throw new NotebookFormatException($"{what}: expected a string or a list of strings, found a list holding {Describe(line)}."))),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw new NotebookFormatException($"{what}: expected a string or a list of strings, found {Describe(node)}."),
    };

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    private static string? ReadCellKernel(JsonObject cell) =>
        Text(cell["metadata"]?["polyglot_notebook"]?["kernelName"])
        ?? Text(cell["metadata"]?["dotnet_interactive"]?["language"]);

    private static string ReadDefaultKernel(JsonObject root)
    {
        JsonNode? metadata = root["metadata"];
        string? name = Text(metadata?["polyglot_notebook"]?["defaultKernelName"])
            ?? Text(metadata?["kernelspec"]?["language"])
            ?? Text(metadata?["language_info"]?["name"]);
        if (name is null && Text(metadata?["kernelspec"]?["name"]) is { } spec)
        {
            // Kernelspecs are named like ".net-csharp", ".net-fsharp", ".net-pwsh".
            name = spec.StartsWith(".net-", StringComparison.Ordinal) ? spec[5..] : spec;
        }

        return (name ?? "csharp").ToLowerInvariant() switch
        {
            "c#" or "cs" => "csharp",
            "f#" or "fs" => "fsharp",
            var other => other,
        };
    }

    private static int DetectIndent(string json)
    {
        string[] lines = json.Split('\n', 3);
        if (lines.Length > 1)
        {
            int spaces = lines[1].Length - lines[1].TrimStart(' ').Length;
            if (spaces is > 0 and <= 8)
            {
                return spaces;
            }
        }

        return 1;
    }

    private static string Describe(JsonNode? node) => node is null ? "nothing" : node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the string \"{Truncate(node.GetValue<string>())}\"",
        _ => node.ToJsonString(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

/// <summary>A notebook file that is not valid nbformat 4 JSON; the message names the file and what is wrong.</summary>
public sealed class NotebookFormatException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public NotebookFormatException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

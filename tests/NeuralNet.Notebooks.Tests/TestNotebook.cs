using System.Text.Json.Nodes;

namespace NeuralNet.Notebooks.Tests;

/// <summary>Writes small .ipynb files into a temporary folder for the runner tests.</summary>
internal sealed class TestNotebook : IDisposable
{
    private readonly List<JsonNode> _cells = [];

    public TestNotebook(string name = "test.ipynb")
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nn-notebooks-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, name);
    }

    public string Directory { get; }

    public string Path { get; }

    public TestNotebook Markdown(string source) => Add("markdown", source, null);

    public TestNotebook Code(string source, string kernel = "csharp", params string[] tags) => Add("code", source, kernel, tags);

    public TestNotebook Parameters(string source) => Code(source, "csharp", "parameters");

    public string Write()
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(_cells.Select(c => c.DeepClone()).ToArray()),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = new JsonObject { ["defaultKernelName"] = "csharp" } },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 2,
        };
        File.WriteAllText(Path, root.ToJsonString(new() { WriteIndented = true }));
        return Path;
    }

    public Task<NotebookRun> RunAsync(NotebookRunOptions? options = null) => NotebookRunner.RunAsync(Write(), options);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private TestNotebook Add(string type, string source, string? kernel, params string[] tags)
    {
        var metadata = new JsonObject();
        if (kernel is not null)
        {
            metadata["polyglot_notebook"] = new JsonObject { ["kernelName"] = kernel };
        }

        if (tags.Length > 0)
        {
            metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray());
        }

        string[] lines = source.Split('\n');
        var cell = new JsonObject
        {
            ["cell_type"] = type,
            ["metadata"] = metadata,
            ["source"] = new JsonArray(lines.Select((l, i) => (JsonNode?)(i < lines.Length - 1 ? l + "\n" : l)).ToArray()),
        };
        if (type == "code")
        {
            cell["execution_count"] = null;
            cell["outputs"] = new JsonArray();
        }

        _cells.Add(cell);
        return this;
    }
}

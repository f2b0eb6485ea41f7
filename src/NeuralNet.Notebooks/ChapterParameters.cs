using System.Text.Json;
using System.Text.Json.Nodes;

namespace NeuralNet.Notebooks;

/// <summary>
/// Per-chapter parameter values from a JSON file such as <c>notebooks/ci-parameters.json</c>:
/// <code>{ "04-training.ipynb": { "epochs": 1, "trainingSamples": 2000 } }</code>
/// Numbers and booleans are used as written; strings are C# expressions, or plain text for a string variable.
/// </summary>
public sealed class ChapterParameters
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _byChapter;

    private ChapterParameters(Dictionary<string, IReadOnlyDictionary<string, string>> byChapter) => _byChapter = byChapter;

    /// <summary>No parameters for any chapter.</summary>
    public static ChapterParameters None { get; } = new(new(StringComparer.OrdinalIgnoreCase));

    /// <summary>The chapter file names that have an entry.</summary>
    public IEnumerable<string> Chapters => _byChapter.Keys;

    /// <summary>Reads the file; a missing file means no parameters.</summary>
    /// <exception cref="FormatException">The file is not an object of objects of simple values.</exception>
    public static ChapterParameters Load(string path)
    {
        if (!File.Exists(path))
        {
            return None;
        }

        string name = Path.GetFileName(path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{name}: not valid JSON: {e.Message}", e);
        }

        if (root is not JsonObject chapters)
        {
            throw new FormatException($"{name}: expected an object mapping chapter file names to {{ \"name\": value }} objects.");
        }

        var byChapter = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        foreach ((string? chapter, JsonNode? values) in chapters)
        {
            if (values is not JsonObject assignments)
            {
                throw new FormatException($"{name}: \"{chapter}\" should map to an object of parameter values.");
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((string? parameter, JsonNode? value) in assignments)
            {
                parameters[parameter] = value switch
                {
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
                    _ => throw new FormatException($"{name}: \"{chapter}\".\"{parameter}\" should be a number, a boolean or a string."),
                };
            }

            byChapter[chapter] = parameters;
        }

        return new ChapterParameters(byChapter);
    }

    /// <summary>The values for the chapter with this file name (empty if it has no entry).</summary>
    public IReadOnlyDictionary<string, string> For(string chapterFileName) =>
        _byChapter.TryGetValue(Path.GetFileName(chapterFileName), out IReadOnlyDictionary<string, string>? values) ? values : new Dictionary<string, string>();
}

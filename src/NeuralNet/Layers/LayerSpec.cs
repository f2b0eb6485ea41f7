using System.Globalization;

namespace NeuralNet.Layers;

/// <summary>
/// The architecture of one layer as the model file stores it: a type name and a few named settings
/// (sizes, rates). Weights are stored separately, in the order of <see cref="ILayer.Parameters"/>.
/// </summary>
public sealed record LayerSpec(string Type, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>A spec with no settings (e.g. ReLU).</summary>
    public LayerSpec(string type) : this(type, new Dictionary<string, string>()) { }

    /// <summary>
    /// What the layer built from this spec may allocate for its parameters (null: no limit). A model loader sets it
    /// to the values the file holds for the layer; <c>FromSpec</c> passes it on to the layer's constructor.
    /// </summary>
    public ParameterBudget? Budget { get; init; }

    /// <summary>Reads an integer setting; the message names the layer type and the setting when it is missing or malformed.</summary>
    public int GetInt(string key) =>
        int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"Layer '{Type}': setting '{key}' should be an integer but is '{Settings[key]}'.");

    /// <summary>Reads a floating-point setting.</summary>
    public double GetDouble(string key) =>
        double.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new FormatException($"Layer '{Type}': setting '{key}' should be a number but is '{Settings[key]}'.");

    /// <summary>Reads a text setting.</summary>
    public string Get(string key) =>
        Settings.TryGetValue(key, out string? value)
            ? value
            : throw new FormatException($"Layer '{Type}': setting '{key}' is missing.");

    /// <summary>Builds a spec from (key, value) pairs, formatting numbers invariantly.</summary>
    public static LayerSpec Of(string type, params (string Key, object Value)[] settings) =>
        new(type, settings.ToDictionary(s => s.Key, s => Convert.ToString(s.Value, CultureInfo.InvariantCulture)!));

    /// <summary>
    /// Reads back what <see cref="ToString"/> wrote, <c>Type(key=value, key=value)</c>; a value may itself be such a
    /// text (a network inside a network), parentheses balanced.
    /// </summary>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static LayerSpec Parse(string text)
    {
        int open = text.IndexOf('(');
        if (open < 0) return new LayerSpec(text);
        if (!text.EndsWith(')')) throw new FormatException($"Layer spec '{text}': expected Type(key=value, ...).");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string inner = text[(open + 1)..^1];
        int depth = 0, start = 0;
        for (int i = 0; i <= inner.Length; i++)
        {
            if (i < inner.Length && inner[i] == '(') depth++;
            else if (i < inner.Length && inner[i] == ')') depth--;
            else if (i == inner.Length || (depth == 0 && inner[i] == ',' && i + 1 < inner.Length && inner[i + 1] == ' '))
            {
                string pair = inner[start..i];
                int equals = pair.IndexOf('=');
                if (equals <= 0) throw new FormatException($"Layer spec '{text}': expected key=value, found '{pair}'.");
                settings[pair[..equals]] = pair[(equals + 1)..];
                start = i + 2;
            }
        }
        return new LayerSpec(text[..open], settings);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        Settings.Count == 0 ? Type : $"{Type}({string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}"))})";
}

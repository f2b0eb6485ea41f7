using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>Machine-readable output for <c>--json</c>: one indented JSON document on standard output.</summary>
public static class Json
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Serialises <paramref name="value"/> to the host's output.</summary>
    public static void Write(CliHost host, object value) => host.Output.WriteLine(JsonSerializer.Serialize(value, Options));
}

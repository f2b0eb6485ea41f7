using System.Text;
using System.Text.RegularExpressions;

namespace NeuralNet.Notebooks;

/// <summary>
/// Turns a Polyglot C# cell into plain Roslyn script text: kernel magic lines (<c>#r "nuget: ..."</c>,
/// <c>#i</c>, <c>#!...</c>) become <c>// </c> comments, so the compiler's line numbers stay those of the cell,
/// and each one is either satisfied by the runner (its own packages, packages it restores, assemblies by path) or reported.
/// </summary>
internal static partial class CellPreprocessor
{
    /// <param name="Code">The cell with its magic lines commented out.</param>
    /// <param name="Notes">What the runner skipped or replaced, one line each.</param>
    /// <param name="References">Assemblies referenced by path (<c>#r "x.dll"</c>), with their lines, for the runner to load.</param>
    /// <param name="Loads">Scripts the cell loads (<c>#load "x.csx"</c>), with their lines: the line stays for Roslyn to
    /// compile, and the runner hands Roslyn the script preprocessed in turn (see <see cref="LoadedScriptResolver"/>).</param>
    /// <param name="Packages">NuGet packages the runner does not ship, with their lines, for it to restore
    /// (see <see cref="PackageRestorer"/>).</param>
    public sealed record Result(
        string Code, IReadOnlyList<string> Notes, IReadOnlyList<(int Line, string Path)> References,
        IReadOnlyList<(int Line, string Path)> Loads, IReadOnlyList<(int Line, string Name, string? Version)> Packages);

    /// <summary>Rewrites the cell's magic lines.</summary>
    /// <exception cref="CellPreprocessException">A line asks for something the runner cannot provide.</exception>
    public static Result Process(string source, ProvidedAssemblies provided)
    {
        var notes = new List<string>();
        var references = new List<(int Line, string Path)>();
        var loads = new List<(int Line, string Path)>();
        var packages = new List<(int Line, string Name, string? Version)>();
        string[] lines = source.Split('\n');
        var code = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int lineNumber = i + 1;
            string trimmed = line.Trim().TrimEnd('\r');
            string? replacement = null;

            if (NugetReference().Match(trimmed) is { Success: true } nuget)
            {
                string package = nuget.Groups["name"].Value.Trim();
                string? version = nuget.Groups["version"].Success ? nuget.Groups["version"].Value.Trim() : null;
                if (!provided.TryGetPackage(package, out string? providedVersion))
                {
                    packages.Add((lineNumber, package, string.IsNullOrEmpty(version) ? null : version));
                    replacement = "// (restored by the runner) ";
                }
                else
                {
                    if (version is not null && providedVersion is not null && Major(version) != Major(providedVersion))
                    {
                        notes.Add($"line {lineNumber}: asks for {package} {version}; the runner provides {providedVersion}");
                    }

                    replacement = "// (provided by the runner) ";
                }
            }
            else if (PathReference().Match(trimmed) is { Success: true } reference)
            {
                string name = Path.GetFileNameWithoutExtension(reference.Groups["path"].Value);
                if (provided.IsProvidedAssembly(name))
                {
                    // Loading a second copy of an assembly the runner already hands to scripts (Plotly.NET and its
                    // F# dependencies) breaks them with MissingMethodException; use the runner's copy.
                    notes.Add($"line {lineNumber}: uses the runner's own {name}.dll instead of {reference.Groups["path"].Value}");
                    replacement = "// (provided by the runner) ";
                }
                else
                {
                    // Loaded by the runner (see NotebookLoadContext) rather than by Roslyn's loader, which refuses
                    // a library whose folder holds a different build of a dependency the notebook already loaded.
                    references.Add((lineNumber, reference.Groups["path"].Value));
                    replacement = "// (loaded by the runner) ";
                }
            }
            else if (LoadDirective().Match(trimmed) is { Success: true } load)
            {
                loads.Add((lineNumber, load.Groups["path"].Value));
            }
            else if (trimmed.StartsWith("#i ", StringComparison.Ordinal) || trimmed.StartsWith("#i\"", StringComparison.Ordinal))
            {
                notes.Add($"line {lineNumber}: package source directive '{trimmed}' ignored (the runner restores from the sources the .NET SDK is configured with)");
                replacement = "// (ignored by the runner) ";
            }
            else if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                string magic = trimmed.Split(' ', 2)[0];
                string kernel = magic[2..].ToLowerInvariant();
                if (Notebook.IsCSharpKernel(kernel))
                {
                    replacement = "// ";
                }
                else if (KnownOtherKernels.Contains(kernel))
                {
                    throw new CellPreprocessException(lineNumber,
                        $"'{magic}' switches to the {kernel} kernel; the runner runs C# only.");
                }
                else
                {
                    notes.Add($"line {lineNumber}: magic command '{magic}' is not supported by the runner and was skipped");
                    replacement = "// (not supported by the runner) ";
                }
            }

            code.Append(replacement is null ? line : replacement + line.TrimStart());
            if (i < lines.Length - 1)
            {
                code.Append('\n');
            }
        }

        return new Result(code.ToString(), notes, references, loads, packages);
    }

    private static readonly HashSet<string> KnownOtherKernels =
        ["fsharp", "f#", "fs", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md", "mermaid", "sql", "kql", "python", "r", "value", "http"];

    private static string Major(string version) => version.Split('.')[0].Trim();

    [GeneratedRegex("""^#r\s+"nuget:\s*(?<name>[^,"]+)(,\s*(?<version>[^"]*))?"\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex NugetReference();

    [GeneratedRegex("""^#r\s+"(?<path>[^"]+\.dll)"\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex PathReference();

    [GeneratedRegex("""^#load\s+"(?<path>[^"]+)"\s*(//.*)?$""")]
    private static partial Regex LoadDirective();
}

/// <summary>A magic line the runner cannot satisfy.</summary>
internal sealed class CellPreprocessException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}

using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace NeuralNet.Notebooks;

/// <summary>
/// Finds the scripts that cells <c>#load</c> as Roslyn does (relative to the loading file's folder) and hands
/// Roslyn their text as the runner preprocessed it, so a loaded <c>.csx</c> may use <c>#r "nuget: ..."</c> and
/// <c>#r "x.dll"</c> like a cell. Roslyn still compiles the <c>#load</c> itself, so what flows out of a loaded
/// script is what flows in the kernel: its variables, methods and types, not its <c>using</c> directives.
/// </summary>
internal sealed class LoadedScriptResolver(string baseDirectory) : SourceReferenceResolver
{
    private readonly ScriptSourceResolver _files = ScriptSourceResolver.Default.WithBaseDirectory(baseDirectory);
    private readonly Dictionary<string, string> _preprocessed = new(StringComparer.Ordinal);

    /// <summary>The full path of a <c>#load</c>'s file, or null when there is no such file.</summary>
    public string? Resolve(string path, string? loadingFile) => _files.ResolveReference(path, loadingFile);

    /// <summary>Whether the script at <paramref name="fullPath"/> was already preprocessed in this run.</summary>
    public bool Has(string fullPath) => _preprocessed.ContainsKey(fullPath);

    /// <summary>Keeps the preprocessed text that Roslyn is given for <paramref name="fullPath"/>.</summary>
    public void Add(string fullPath, string code) => _preprocessed[fullPath] = code;

    /// <inheritdoc/>
    public override string? NormalizePath(string path, string? baseFilePath) => _files.NormalizePath(path, baseFilePath);

    /// <inheritdoc/>
    public override string? ResolveReference(string path, string? baseFilePath) => _files.ResolveReference(path, baseFilePath);

    /// <inheritdoc/>
    public override Stream OpenRead(string resolvedPath) =>
        _preprocessed.TryGetValue(resolvedPath, out string? code) ? new MemoryStream(Encoding.UTF8.GetBytes(code)) : _files.OpenRead(resolvedPath);

    /// <inheritdoc/>
    public override bool Equals(object? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);
}

using System.Text.RegularExpressions;

namespace NeuralNet.Notebooks;

/// <summary>
/// Writes copies of chapters that Verso opens as they are. Verso's C# kernel resolves <c>#r "x.dll"</c> and
/// <c>#load "x.csx"</c> only from absolute paths (CS0006/CS1504 for a path relative to the notebook), and its
/// <c>run --param</c> does not reach an .ipynb's parameters cell; so each such path becomes absolute, and given
/// parameter values are written into the parameters cell, which keeps its tag. Nothing else changes.
/// </summary>
public static partial class VersoCopy
{
    /// <summary>Writes <paramref name="notebook"/>'s copy into <paramref name="folder"/> (same file name) and returns its path.</summary>
    /// <param name="notebook">The chapter.</param>
    /// <param name="folder">Where the copy goes; created if missing. It must not be the chapter's own folder.</param>
    /// <param name="parameters">Values for the parameters cell (see <see cref="ParameterOverrides"/>), or none.</param>
    /// <exception cref="ArgumentException">The folder is the notebook's own, or a parameter is unknown.</exception>
    public static string Write(Notebook notebook, string folder, IReadOnlyDictionary<string, string>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        string target = Path.GetFullPath(folder);
        if (string.Equals(target.TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(notebook.Directory).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new ArgumentException($"{folder}: the copies would replace the chapters themselves; give another folder.", nameof(folder));
        }

        parameters ??= new Dictionary<string, string>();
        if (parameters.Count > 0 && notebook.ParametersCell is null)
        {
            throw new ArgumentException($"{notebook.Name} has no parameters cell (a code cell tagged 'parameters'), so {string.Join(", ", parameters.Keys)} cannot apply.");
        }

        Directory.CreateDirectory(target);
        string path = Path.Combine(target, notebook.Name);
        notebook.SaveCopy(path, cell =>
        {
            string source = AbsolutePaths(cell.Source, Path.GetFullPath(notebook.Directory));
            return cell.IsParameters && parameters.Count > 0 ? ParameterOverrides.Apply(source, parameters) : source;
        });
        return path;
    }

    /// <summary>The cell's text with every <c>#r "file"</c> and <c>#load "file"</c> path made absolute from <paramref name="directory"/> (<c>#r "nuget: ..."</c> stays).</summary>
    public static string AbsolutePaths(string source, string directory) =>
        PathDirective().Replace(source, match =>
        {
            string path = match.Groups["path"].Value;
            if (path.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(path))
            {
                return match.Value;
            }

            // Forward slashes work on every system and need no escaping in the directive's string.
            string absolute = Path.GetFullPath(Path.Combine(directory, path)).Replace('\\', '/');
            return match.Groups["directive"].Value + "\"" + absolute + "\"";
        });

    [GeneratedRegex("""^(?<directive>#(r|load)\s+)"(?<path>[^"]+)"(?=[ \t]*(//[^\n]*)?\r?$)""", RegexOptions.Multiline)]
    private static partial Regex PathDirective();
}

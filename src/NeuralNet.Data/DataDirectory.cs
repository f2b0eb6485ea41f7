namespace NeuralNet.Data;

/// <summary>
/// Decides where datasets are cached: an explicit folder, else the <c>NEURALNET_DATA</c> environment
/// variable, else the repository's <c>data/</c> folder found by walking up from the working directory
/// (so a notebook in <c>notebooks/</c> finds it), else a per-user folder.
/// </summary>
public static class DataDirectory
{
    /// <summary>The environment variable that overrides the data folder.</summary>
    public const string EnvironmentVariable = "NEURALNET_DATA";

    /// <summary>The data folder to use, by the rules above. It is not created.</summary>
    public static string Resolve(string? explicitDirectory = null, string? startDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory)) return Path.GetFullPath(explicitDirectory);
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        string? repository = FindRepositoryRoot(startDirectory ?? Directory.GetCurrentDirectory());
        if (repository is not null) return Path.Combine(repository, "data");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "NeuralNet", "data");
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds <c>NeuralNet.sln</c>, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "NeuralNet.sln")))
                return directory.FullName;
        return null;
    }
}

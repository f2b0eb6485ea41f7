using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace NeuralNet.Notebooks;

/// <summary>
/// Restores a NuGet package the runner does not ship, the way the kernel's <c>#r "nuget: Name, Version"</c> does:
/// with the .NET SDK's own NuGet client. A throw-away project that references the package is published once into a
/// per-user cache; the notebook then gets every managed assembly of the package and its dependencies, and the
/// package's native libraries (ONNX Runtime's <c>libonnxruntime.so</c>, say) sit beside them, where
/// <see cref="NotebookLoadContext"/> finds them.
/// </summary>
internal static class PackageRestorer
{
    private const string ProjectName = "NotebookPackages";
    private const string CompletedMarker = ".restored";

    /// <summary>The folder restored packages are kept in: <c>NEURALNET_NOTEBOOK_PACKAGES</c>, or a per-user cache.</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("NEURALNET_NOTEBOOK_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "NeuralNet", "notebook-packages");

    /// <summary>
    /// The managed assemblies of <paramref name="package"/> (and of the packages it depends on), restoring it first
    /// if this version is not in the cache yet.
    /// </summary>
    /// <param name="version">An exact version, or null for the newest release (as the kernel does).</param>
    /// <exception cref="PackageRestoreException">The SDK could not restore the package; the message carries its errors.</exception>
    public static IReadOnlyList<string> Restore(string package, string? version) => Restore(package, version, CacheDirectory);

    /// <summary>As <see cref="Restore(string, string?)"/>, into the cache folder <paramref name="cacheDirectory"/>.</summary>
    internal static IReadOnlyList<string> Restore(string package, string? version, string cacheDirectory)
    {
        if (package.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || package.Contains("..", StringComparison.Ordinal))
        {
            throw new PackageRestoreException($"'{package}' is not a NuGet package name.");
        }

        string folder = Path.Combine(cacheDirectory, $"{package}.{version ?? "latest"}".ToLowerInvariant(), RuntimeInformation.RuntimeIdentifier);
        // One restore at a time in this process (two notebooks may ask for the same package at once); other
        // processes are kept apart by each working in a folder of its own until the final move.
        lock (Gate)
        {
            if (!IsComplete(folder))
            {
                Publish(package, version, folder);
            }
        }

        return ManagedAssemblies(folder);
    }

    // Publishing (rather than building) for this machine's runtime identifier copies the native libraries of every
    // package into the output folder itself, next to the assemblies that load them.
    private static void Publish(string package, string? version, string folder)
    {
        string work = $"{folder}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(work);
        var project = new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
            new XElement("PropertyGroup",
                new XElement("TargetFramework", $"net{Environment.Version.Major}.0"),
                new XElement("RuntimeIdentifier", RuntimeInformation.RuntimeIdentifier),
                new XElement("SelfContained", "false"),
                new XElement("UseAppHost", "false"),
                new XElement("GenerateDocumentationFile", "false"),
                new XElement("NoWarn", "NU1603;NU1608")),
            new XElement("ItemGroup",
                new XElement("PackageReference", new XAttribute("Include", package), new XAttribute("Version", version ?? "*"))));
        project.Save(Path.Combine(work, ProjectName + ".csproj"));

        string output = Path.Combine(work, "out");
        (int exitCode, string? log) = RunDotnet(work, $"publish {ProjectName}.csproj -c Release -o out -nologo -v q");
        if (exitCode != 0)
        {
            Directory.Delete(work, recursive: true);
            string errors = string.Join("\n", log.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(5));
            throw new PackageRestoreException(
                $"restoring {package}{(version is null ? "" : " " + version)} failed (dotnet publish exit code {exitCode}): {(errors.Length > 0 ? errors : log.Trim())}");
        }

        File.Delete(Path.Combine(output, ProjectName + ".dll"));
        File.WriteAllText(Path.Combine(output, CompletedMarker), $"{package} {version ?? "*"}\n");

        // Move into place in one step, so an interrupted restore never leaves a folder that looks complete.
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        if (Directory.Exists(folder) && !IsComplete(folder))
        {
            Directory.Delete(folder, recursive: true);   // what an interrupted run of an older version left
        }

        try
        {
            Directory.Move(output, folder);
        }
        catch (IOException) when (IsComplete(folder))
        {
            // Another process finished the same restore first; its folder is as good as ours.
        }

        Directory.Delete(work, recursive: true);
    }

    private static readonly Lock Gate = new();

    private static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, CompletedMarker));

    private static IReadOnlyList<string> ManagedAssemblies(string folder) =>
        Directory.EnumerateFiles(folder, "*.dll").Where(NotebookRunner.IsManagedAssembly).Order(StringComparer.Ordinal).ToList();

    private static (int ExitCode, string Log) RunDotnet(string directory, string arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start) ?? throw new PackageRestoreException("could not start 'dotnet' to restore a package.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}

/// <summary>A <c>#r "nuget: ..."</c> line whose package could not be restored.</summary>
internal sealed class PackageRestoreException(string message) : Exception(message);

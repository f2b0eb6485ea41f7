using System.Diagnostics;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// <c>nn</c> as a .NET tool: the CLI project packs into a tool package, <c>dotnet tool install</c> installs it
/// from that .nupkg alone, and the installed <c>nn</c> runs.
/// </summary>
public sealed class ToolPackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void The_packed_tool_installs_from_its_nupkg_and_runs_nn_help()
    {
        string project = Path.Combine(RepositoryRoot(), "src", "NeuralNet.Cli", "NeuralNet.Cli.csproj");
        using var temp = new TempFolder();
        string packages = temp.File("packages"), tools = temp.File("tools"), config = temp.File("nuget.config");
        // Only the package we just packed: no feed can hand back some other NeuralNet.Cli.
        File.WriteAllText(config, """<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /></packageSources></configuration>""");

        // The test project's build already built the CLI in this configuration, so pack without building again.
        Run(Dotnet, "pack", project, "-c", Configuration, "--no-build", "-o", packages);
        Assert.Single(Directory.GetFiles(packages, "NeuralNet.Cli.*.nupkg"));
        Run(Dotnet, "tool", "install", "--tool-path", tools, "--configfile", config, "--add-source", packages, "NeuralNet.Cli");
        string output = Run(Path.Combine(tools, OperatingSystem.IsWindows() ? "nn.exe" : "nn"), "--help");

        Assert.Contains("Usage:", output);
        Assert.Contains("nn [command] [options]", output);
        Assert.Contains("export <model>", output);
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "NeuralNet.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No NeuralNet.sln above {AppContext.BaseDirectory}.");
    }

    // Runs a program to completion; fails the test with its output if the exit code is not 0.
    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // dotnet test runs us under MSBuild, whose variables would point a nested dotnet at the wrong MSBuild.
        foreach (string variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(variable);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish in 5 minutes.");
        }
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}\n{error.Result}");
        return output;
    }
}

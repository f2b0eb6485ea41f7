using System.Diagnostics;
using NeuralNet.Layers;
using Xunit.Abstractions;

namespace NeuralNet.Onnx.Tests;

/// <summary>
/// A fact that needs Debian's python3-onnx (the ONNX project's own checker). Where it is missing the test is
/// skipped with a message on a developer's machine, but runs — and fails, saying why — in CI (CI=true),
/// where .ci/run installs it.
/// </summary>
public sealed class OnnxCheckerFactAttribute : FactAttribute
{
    public OnnxCheckerFactAttribute()
    {
        if (OnnxChecker.Problem is string problem && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"{problem} (apt-get install python3-onnx; CI runs this test).";
    }
}

/// <summary>Runs <c>onnx.checker.check_model(model, full_check=True)</c> with Debian's Python.</summary>
public static class OnnxChecker
{
    // Debian's interpreter, where apt puts python3-onnx (a python3 earlier on PATH may be another one).
    private const string Python = "/usr/bin/python3";

    /// <summary>Why the checker cannot run here, or null if it can.</summary>
    public static string? Problem { get; } = FindProblem();

    /// <summary>Checks every file with the full checker (including shape inference); returns exit code and output.</summary>
    public static (int ExitCode, string Output) Check(IEnumerable<string> paths)
    {
        const string script = """
            import sys, onnx
            failed = 0
            for path in sys.argv[1:]:
                try:
                    onnx.checker.check_model(onnx.load(path), full_check=True)
                    print("ok", path)
                except Exception as e:
                    failed += 1
                    print("FAILED", path, e)
            sys.exit(1 if failed else 0)
            """;
        return RunPython(["-c", script, .. paths]);
    }

    private static string? FindProblem()
    {
        if (!File.Exists(Python)) return $"{Python} is not installed";
        (int code, string output) = RunPython(["-c", "import onnx; print(onnx.__version__)"]);
        return code == 0 ? null : $"python3-onnx is missing: {Python} cannot import onnx ({output.Trim().Split('\n')[^1]})";
    }

    private static (int, string) RunPython(string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}

/// <summary>The ONNX project's own checker, with full checking, accepts every kind of network we export.</summary>
public sealed class OnnxCheckerTests(ITestOutputHelper log)
{
    [OnnxCheckerFact]
    public void The_onnx_checker_accepts_every_exported_model()
    {
        Assert.True(OnnxChecker.Problem is null, OnnxChecker.Problem + " — .ci/run installs python3-onnx.");
        string folder = Directory.CreateTempSubdirectory("nn-onnx-check-").FullName;
        try
        {
            var files = new List<string>();
            void Export(string name, Sequential network)
            {
                string path = Path.Combine(folder, name + ".onnx");
                OnnxExporter.Save(network, path);
                files.Add(path);
            }
            Export("mlp", Sequential.Mlp(784, [128, 64], 10, seed: 1));
            Export("cnn", ConvNet.Small(seed: 1));
            foreach (string name in LayerMappingTests.NetworkNames)
                Export(string.Concat(name.Where(char.IsLetterOrDigit)), LayerMappingTests.Build(name));

            (int exitCode, string output) = OnnxChecker.Check(files);

            log.WriteLine(output);
            Assert.True(exitCode == 0, output);
            Assert.Equal(files.Count, output.Split('\n').Count(line => line.StartsWith("ok ")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

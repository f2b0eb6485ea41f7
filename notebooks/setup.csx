// What every chapter needs before its first line of content. A chapter's first cell loads the chart
// packages and this script; its second cell references our two libraries with #r and imports them.
//
//   1. Builds src/NeuralNet (with .Data, .Teaching), .Plots and .Onnx (Release) when their DLLs are missing or older than
//      their sources: #r is read when a cell is compiled, before any code runs, so the build must happen
//      here, one cell before the #r lines. The first build takes a minute.
//   2. Makes charts work whatever FSharp.Core the kernel carries (see ChartsInThisKernel).
//   3. Gives every chart a second form, Plotly's own JSON, which VS Code draws with its bundled plotly.js,
//      offline, besides the HTML of Plotly.NET.Interactive, which loads plotly.js from the web.
//
// It runs the same in VS Code's .NET Interactive kernel and in our runner (nn notebooks run).
// The using directives of a #load'ed script stay in it: the chapter's next cell has its own.

using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

public static class ChapterSetup
{
    public const string PlotlyJsonMimeType = "application/vnd.plotly.v1+json";

    /// <summary>Builds our libraries if they are missing or stale, and says which it was.</summary>
    public static void BuildLibraries()
    {
        var repoRoot = Path.GetFullPath("..");
        // Each project and the DLL the chapters reference; building the first two builds the others too
        // (Plots references Teaching, which references Data, which references the core library).
        (string Project, string Dll)[] libraries =
        [
            ("src/NeuralNet.Plots", "src/NeuralNet.Plots/bin/Release/net10.0/NeuralNet.Plots.dll"),
            ("src/NeuralNet.Onnx", "src/NeuralNet.Onnx/bin/Release/net8.0/NeuralNet.Onnx.dll"),
            ("src/NeuralNet.Teaching", "src/NeuralNet.Teaching/bin/Release/net8.0/NeuralNet.Teaching.dll"),
            ("src/NeuralNet.Data", "src/NeuralNet.Data/bin/Release/net8.0/NeuralNet.Data.dll"),
            ("src/NeuralNet", "src/NeuralNet/bin/Release/net8.0/NeuralNet.dll"),
        ];
        var separator = Path.DirectorySeparatorChar;
        var newestSource = libraries
            .SelectMany(library => Directory.EnumerateFiles(Path.Combine(repoRoot, library.Project), "*", SearchOption.AllDirectories))
            .Where(file => Path.GetExtension(file) is ".cs" or ".csproj" or ".proto3")
            .Where(file => !file.Contains($"{separator}obj{separator}") && !file.Contains($"{separator}bin{separator}"))
            .Max(File.GetLastWriteTimeUtc);
        if (libraries.All(library => File.Exists(Path.Combine(repoRoot, library.Dll)) && File.GetLastWriteTimeUtc(Path.Combine(repoRoot, library.Dll)) >= newestSource))
        {
            Console.WriteLine("NeuralNet, .Data, .Teaching, .Plots and .Onnx are up to date.");
            return;
        }

        foreach (var project in libraries.Take(2).Select(library => library.Project))
        {
            var start = new ProcessStartInfo("dotnet", $"build \"{Path.Combine(repoRoot, project)}\" -c Release -nologo -v q")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var build = Process.Start(start);
            var log = build.StandardOutput.ReadToEndAsync();
            var errors = build.StandardError.ReadToEnd();
            build.WaitForExit();
            if (build.ExitCode != 0)
            {
                throw new Exception($"Building {project} failed (exit code {build.ExitCode}):\n{log.Result}{errors}");
            }
        }

        Console.WriteLine("Built NeuralNet, .Data, .Teaching, .Plots and .Onnx (Release).");
    }

    /// <summary>
    /// Plotly.NET 6 asks for FSharp.Core 10.1; the .NET Interactive kernel has already loaded its own
    /// FSharp.Core (10.0) and cannot load a second one, so every chart would fail with "Could not load
    /// FSharp.Core, Version=10.1.0.0". Answering that request with the copy already loaded makes charts
    /// work (answering with the 10.1 file fails later, inside Giraffe.ViewEngine). Where the right version
    /// is loaded, as in our runner, the request never fails and this handler is never asked.
    /// </summary>
    public static void ChartsInThisKernel()
    {
        const string registered = "NeuralNet.ChapterSetup.FSharpCoreHandler";
        if (AppDomain.CurrentDomain.GetData(registered) is null)
        {
            AssemblyLoadContext.Default.Resolving += (context, name) => name.Name == "FSharp.Core"
                ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(assembly => assembly.GetName().Name == "FSharp.Core")
                : null;
            AppDomain.CurrentDomain.SetData(registered, true);
        }

        // A displayed chart carries both forms; each frontend draws the one it can.
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(GenericChart.toFigureJson(chart)), PlotlyJsonMimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(GenericChart), "text/html", PlotlyJsonMimeType);
    }
}

ChapterSetup.BuildLibraries();
ChapterSetup.ChartsInThisKernel();

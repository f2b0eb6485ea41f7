// What every chapter needs before its first line of content. A chapter's first cell loads the chart
// packages and this script; its second cell references our two libraries with #r and imports them.
//
//   1. Builds src/NeuralNet (with .Data, .Teaching), .Plots and .Onnx (Release) when their DLLs are missing or older than
//      their sources: #r is read when a cell is compiled, before any code runs, so the build must happen
//      here, one cell before the #r lines. The first build takes a minute.
//   2. Makes charts work whatever FSharp.Core the kernel carries (see ChartsInThisKernel).
//   3. Gives every chart a second form, Plotly's own JSON, which VS Code draws with its bundled plotly.js,
//      offline, besides the HTML of Plotly.NET.Interactive, which loads plotly.js from the web.
//   4. Defines display(value): the one way the chapters show a chart or a value that changes (see NotebookOutput).
//
// It runs the same in VS Code's .NET Interactive kernel, in Verso and in our runner (nn notebooks run); it
// touches .NET Interactive's and Verso's types only through reflection, so it compiles in all three.
// The using directives of a #load'ed script stay in it: the chapter's next cell has its own.

using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Plotly.NET;

public static class ChapterSetup
{
    public const string PlotlyJsonMimeType = "application/vnd.plotly.v1+json";

    /// <summary>Builds our libraries if they are missing or stale, and says which it was.</summary>
    public static void BuildLibraries()
    {
        var repoRoot = Path.GetFullPath(Path.Combine(NotebooksFolder(), ".."));
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

        // A displayed chart carries both forms; each frontend draws the one it can. .NET Interactive's Formatter is
        // reached by reflection: Verso has no use for it, and our runner's Verso profile does not provide it.
        if (!NotebookOutput.InVerso && FindType("Microsoft.DotNet.Interactive.Formatting.Formatter") is { } formatter)
        {
            var register = formatter.GetMethods().First(m => m.Name == "Register" && m.IsGenericMethodDefinition
                && m.GetParameters() is [{ ParameterType.Name: "Action`2" }, { ParameterType: var mime }] && mime == typeof(string));
            Action<GenericChart, TextWriter> writeJson = (chart, writer) => writer.Write(GenericChart.toFigureJson(chart));
            register.MakeGenericMethod(typeof(GenericChart)).Invoke(null, [writeJson, PlotlyJsonMimeType]);
            formatter.GetMethod("SetPreferredMimeTypesFor", [typeof(Type), typeof(string[])])!
                .Invoke(null, [typeof(GenericChart), new[] { "text/html", PlotlyJsonMimeType }]);
        }
    }

    /// <summary>
    /// Verso opens a chapter with the working directory it was started in, so the folder of this script (where the
    /// chapters live) becomes the working directory: the data and the models the chapters save are found as in VS Code.
    /// </summary>
    public static void WorkInNotebooksFolder()
    {
        var folder = NotebooksFolder();
        if (!string.Equals(Path.GetFullPath(Environment.CurrentDirectory).TrimEnd('/', '\\'), folder.TrimEnd('/', '\\'), StringComparison.Ordinal))
        {
            Environment.CurrentDirectory = folder;
            Console.WriteLine($"Working folder: {folder}");
        }
    }

    /// <summary>The folder of this script, notebooks/ (the compiler gives each file its own path).</summary>
    public static string NotebooksFolder([CallerFilePath] string scriptPath = "") => Path.GetDirectoryName(Path.GetFullPath(scriptPath))!;

    internal static Type FindType(string fullName) => AppDomain.CurrentDomain.GetAssemblies()
        .Select(assembly => assembly.GetType(fullName, throwOnError: false))
        .FirstOrDefault(type => type is not null);
}

/// <summary>
/// What <c>display(value)</c> shows, in each host: in .NET Interactive (VS Code) and our runner, the kernel's own
/// display, so a chart carries its HTML and its Plotly JSON and <see cref="Update"/> redraws it in place; in Verso,
/// which has no display that can be replaced, one output (a chart as HTML with plotly.js inside, so it draws
/// offline) and updates that wait for the cell to show the final frame itself.
/// </summary>
public sealed class NotebookOutput
{
    private readonly object _kernelDisplay; // .NET Interactive's DisplayedValue, or null in Verso

    private NotebookOutput(object kernelDisplay) => _kernelDisplay = kernelDisplay;

    /// <summary>Whether the chapter runs in Verso: its display handler is set while one of its cells runs.</summary>
    public static bool InVerso => VersoDisplay() is not null;

    /// <summary>Shows <paramref name="value"/> (a chart, a string, any object) as an output of the running cell.</summary>
    public static NotebookOutput Show(object value)
    {
        if (VersoDisplay() is { } versoDisplay)
        {
            object shown = value is GenericChart chart ? ChartHtml(chart) : value;
            versoDisplay.Invoke(null, [shown, value is GenericChart ? "text/html" : null]);
            return new NotebookOutput(null);
        }

        var kernel = ChapterSetup.FindType("Microsoft.DotNet.Interactive.Kernel")
            ?? throw new InvalidOperationException("display(...): no notebook host found (neither .NET Interactive nor Verso is running this chapter).");
        return new NotebookOutput(kernel.GetMethod("display", [typeof(object), typeof(string[])])!.Invoke(null, [value, Array.Empty<string>()]));
    }

    /// <summary>Replaces the output with <paramref name="value"/> where the host can (not in Verso: the cell shows the final frame).</summary>
    public void Update(object value) => _kernelDisplay?.GetType().GetMethod("Update", [typeof(object)])!.Invoke(_kernelDisplay, [value]);

    // Verso.Abstractions.DisplayExtensions.Display(object, string), when a Verso cell is running.
    private static MethodInfo VersoDisplay()
    {
        var versoAssembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "Verso.Abstractions");
        var context = versoAssembly?.GetType("Verso.Abstractions.DisplayContext");
        var current = context?.GetProperty("Current", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
        return current?.GetValue(null) is null ? null
            : versoAssembly.GetType("Verso.Abstractions.DisplayExtensions")?.GetMethod("Display", [typeof(object), typeof(string)]);
    }

    // The chart as one piece of HTML that draws with no network: plotly.js (as Plotly.NET embeds it) inline, then the figure.
    private static string ChartHtml(GenericChart chart)
    {
        using var plotlyJs = new StreamReader(typeof(GenericChart).Assembly.GetManifestResourceStream("Plotly.NET.plotly-2.28.0.min.js")!);
        var id = "nn-chart-" + Guid.NewGuid().ToString("N");
        var figure = GenericChart.toFigureJson(chart).Replace("</", "<\\/");
        return $"<div id=\"{id}\"></div><script type=\"text/javascript\">{plotlyJs.ReadToEnd().Replace("</script", "<\\/script")}</script>"
            + $"<script type=\"text/javascript\">(function () {{ var f = {figure}; Plotly.newPlot('{id}', f.data, f.layout || {{}}, {{ responsive: true }}); }})();</script>";
    }
}

/// <summary>
/// Shows a chart or any value as an output of the running cell, in every host the chapters run in; keep the result
/// to redraw it (<c>var live = display(...); live.Update(newChart);</c>). It stands in for .NET Interactive's
/// <c>display</c>, which Verso does not have (a script's own method comes before an imported one).
/// </summary>
public static NotebookOutput display(object value) => NotebookOutput.Show(value);

/// <summary>
/// Shows the chart as an output of the running cell, as <c>display(chart)</c> does, in every host; a cell ends with
/// <c>chart.Display();</c> rather than with the chart as its value, which Verso would show as a line of text.
/// </summary>
public static NotebookOutput Display(this GenericChart chart) => NotebookOutput.Show(chart);

ChapterSetup.WorkInNotebooksFolder();
ChapterSetup.BuildLibraries();
ChapterSetup.ChartsInThisKernel();

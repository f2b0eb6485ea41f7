using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace NeuralNet.Notebooks;

/// <summary>Options for one notebook run.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>Values for the top-level variables of the parameters cell (see <see cref="ParameterOverrides"/>).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Called after each cell, for progress output.</summary>
    public Action<NotebookCell, CellRun>? CellCompleted { get; init; }

    /// <summary>Called before each code cell runs (see <see cref="NotebookProcess"/>, which pins a crash or a timeout on it).</summary>
    public Action<NotebookCell>? CellStarting { get; init; }

    /// <summary>
    /// Run with the notebook's folder as the working directory, as VS Code's kernel does (default true).
    /// The working directory is process-wide: runs must not overlap.
    /// </summary>
    public bool UseNotebookDirectory { get; init; } = true;

    /// <summary>Which host the run stands in for: .NET Interactive's C# kernel (the default) or Verso's (see <see cref="NotebookProfile"/>).</summary>
    public NotebookProfile Profile { get; init; } = NotebookProfile.Kernel;
}

/// <summary>The notebook host a run reproduces.</summary>
public enum NotebookProfile
{
    /// <summary>.NET Interactive's C# kernel, as VS Code runs it: its imports, <c>display</c>, <c>Formatter</c>, C# 14.</summary>
    Kernel,

    /// <summary>
    /// Verso's C# kernel, which CI cannot install: C# 13, Verso's imports and <c>Verso.Abstractions</c>, no .NET
    /// Interactive helpers; relative <c>#r</c>/<c>#load</c> paths, stderr, a chart shown as text and a chart that
    /// needs the network fail the cell; one MIME type per output (see <c>VersoProfile</c>).
    /// </summary>
    Verso,
}

/// <summary>
/// Runs a notebook's C# cells in order in one Roslyn scripting session, as .NET Interactive's C# kernel
/// does: state carries from cell to cell, <c>display(...)</c> and a cell's trailing expression become
/// outputs, and the run stops at the first cell that fails to compile or throws.
/// </summary>
public static class NotebookRunner
{
    // The namespaces .NET Interactive's C# kernel imports, plus its helpers (display, HTML).
    private static readonly string[] KernelImports =
        ["System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq"];

    private const string KernelHelpers = "using static Microsoft.DotNet.Interactive.Kernel;";

    private static readonly SemaphoreSlim OneRunAtATime = new(1, 1);

    private static readonly Lazy<IReadOnlyList<MetadataReference>> FrameworkReferences = new(LoadFrameworkReferences);

    /// <summary>Reads and runs the notebook at <paramref name="path"/>.</summary>
    /// <exception cref="NotebookFormatException">The file is not a valid notebook.</exception>
    public static Task<NotebookRun> RunAsync(string path, NotebookRunOptions? options = null) =>
        RunAsync(Notebook.Load(path), options);

    /// <summary>Runs <paramref name="notebook"/> top to bottom; a failing cell ends the run (see <see cref="NotebookRun.Failure"/>).</summary>
    public static async Task<NotebookRun> RunAsync(Notebook notebook, NotebookRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        options ??= new NotebookRunOptions();

        // Runs share the process's console and working directory, so they take turns.
        await OneRunAtATime.WaitAsync().ConfigureAwait(false);
        string previousDirectory = Environment.CurrentDirectory;
        DisplaySink? previousSink = DisplaySink.Current;
        try
        {
            ConsoleCapture.Install();
            if (options.UseNotebookDirectory)
            {
                Environment.CurrentDirectory = notebook.Directory;
            }

            var sink = new DisplaySink();
            DisplaySink.Current = sink;
            return await RunCellsAsync(notebook, options, sink).ConfigureAwait(false);
        }
        finally
        {
            NotebookLoadContext.Current = null;
            DisplaySink.Current = previousSink;
            Environment.CurrentDirectory = previousDirectory;
            OneRunAtATime.Release();
        }
    }

    private static async Task<NotebookRun> RunCellsAsync(Notebook notebook, NotebookRunOptions options, DisplaySink sink)
    {
        var total = Stopwatch.StartNew();
        var results = new List<CellRun>();
        NotebookCellException? failure = null;
        CheckParameters(notebook, options.Parameters);

        Microsoft.DotNet.Interactive.Formatting.Formatter.Reset();
        var scripts = new LoadedScriptResolver(notebook.Directory);
        bool verso = options.Profile == NotebookProfile.Verso;
        ScriptOptions baseOptions = ScriptOptions.Default
            .WithReferences(FrameworkReferences.Value)
            // Verso has Plotly.NET from NuGet but not the runner's stand-ins for .NET Interactive; it has its own Verso.Abstractions.
            .AddReferences(verso ? ProvidedAssemblies.Instance.Assemblies.Where(a => a != typeof(NotebookRunner).Assembly) : ProvidedAssemblies.Instance.Assemblies)
            .AddReferences(verso ? [VersoProfile.Reference] : [])
            .WithImports(verso ? VersoProfile.Imports : KernelImports)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(notebook.Directory))
            .WithSourceResolver(scripts)
            .WithEmitDebugInformation(true)
            // Debug code keeps a line for every statement, so a runtime error names the line that threw.
            .WithOptimizationLevel(OptimizationLevel.Debug)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithLanguageVersion(verso ? VersoProfile.Language : LanguageVersion.Latest);

        // The kernel's own first submission: its helpers, imported statically (Verso has none).
        ScriptState<object>? state = null;
        var session = new Session(baseOptions, new NotebookLoadContext($"notebook {notebook.Name}"), scripts, verso);
        NotebookLoadContext.Current = session.LoadContext;
        using IDisposable? versoDisplay = verso ? VersoProfile.SetDisplayHandler((value, mimeType) =>
        {
            (CellOutput? output, string? problem) = VersoProfile.Shown(value, mimeType);
            if (problem is not null)
            {
                session.VersoProblems.Add(problem);
            }
            else
            {
                sink.Add(output!);
            }

            return Task.CompletedTask;
        }) : null;

        foreach (NotebookCell cell in notebook.Cells)
        {
            sink.BeginCell();
            CellRun result;
            if (failure is not null)
            {
                result = new CellRun(cell.Number, cell.Kind, cell.Kind == CellKind.Code ? CellStatus.NotRun : CellStatus.NotCode, TimeSpan.Zero, [], []);
            }
            else if (cell.Kind != CellKind.Code)
            {
                result = new CellRun(cell.Number, cell.Kind, CellStatus.NotCode, TimeSpan.Zero, [], []);
            }
            else
            {
                if (options.CellStarting is { } starting)
                {
                    DisplaySink.Current = null;
                    try
                    {
                        starting(cell);
                    }
                    finally
                    {
                        DisplaySink.Current = sink;
                    }
                }

                var clock = Stopwatch.StartNew();
                var notes = new List<string>();
                try
                {
                    state ??= await CSharpScript.RunAsync(verso ? "" : KernelHelpers, baseOptions.WithFilePath(notebook.Path + "#kernel")).ConfigureAwait(false);
                    state = await RunCellAsync(notebook, cell, state, session, options, sink, notes).ConfigureAwait(false);
                }
                catch (NotebookCellException e)
                {
                    failure = e;
                    sink.AddFixed(CellOutput.ErrorText(e.InnerException?.GetType().FullName ?? "Error", e.Message));
                }

                result = new CellRun(cell.Number, cell.Kind, failure is null ? CellStatus.Passed : CellStatus.Failed, clock.Elapsed, sink.OutputsOf(results.Count), notes);
            }

            results.Add(result);
            if (options.CellCompleted is { } report)
            {
                // Progress goes to the real console, not into the notebook's outputs.
                DisplaySink.Current = null;
                try
                {
                    report(cell, result);
                }
                finally
                {
                    DisplaySink.Current = sink;
                }
            }
        }

        // A later cell may have updated what an earlier one displayed (DisplayedValue.Update).
        for (int i = 0; i < results.Count; i++)
        {
            results[i] = results[i] with { Outputs = sink.OutputsOf(i) };
        }

        return new NotebookRun(notebook, results, failure, total.Elapsed);
    }

    /// <summary>What carries from cell to cell besides the script state: options with the references so far.</summary>
    private sealed class Session(ScriptOptions options, NotebookLoadContext loadContext, LoadedScriptResolver scripts, bool verso)
    {
        public ScriptOptions Options { get; set; } = options;

        public NotebookLoadContext LoadContext { get; } = loadContext;

        public LoadedScriptResolver Scripts { get; } = scripts;

        /// <summary>Whether the run is in the Verso profile.</summary>
        public bool Verso { get; } = verso;

        /// <summary>What the running cell did that Verso would fail or show wrong (Verso profile only).</summary>
        public List<string> VersoProblems { get; } = [];
    }

    private static async Task<ScriptState<object>> RunCellAsync(
        Notebook notebook, NotebookCell cell, ScriptState<object> state, Session session,
        NotebookRunOptions options, DisplaySink sink, List<string> notes)
    {
        if (!cell.IsCSharp)
        {
            throw new NotebookCellException(notebook.Name, cell.Number, null,
                $"this is a '{cell.Kernel}' cell; the runner runs C# cells only (kernel 'csharp').");
        }

        // Each cell compiles as its own "file", so stack traces and diagnostics read "...ipynb#cell7".
        string cellPath = $"{notebook.Path}#cell{cell.Number}";
        string code;
        try
        {
            CellPreprocessor.Result processed = CellPreprocessor.Process(cell.Source, ProvidedAssemblies.Instance);
            notes.AddRange(processed.Notes);
            if (session.Verso && processed.References.Concat(processed.Loads).FirstOrDefault(r => !Path.IsPathRooted(r.Path)) is { Path: not null } relative)
            {
                throw new CellPreprocessException(relative.Line,
                    $"'{relative.Path}' is a relative path, which Verso does not resolve (CS0006/CS1504): use `nn notebooks prepare --absolute-paths OUT` and open the copy.");
            }

            foreach ((int line, string? path) in processed.References)
            {
                session.Options = session.Options.AddReferences(LoadReference(notebook, cell, session.LoadContext, line, path, notes));
            }

            LoadPackages(notebook, cell, session, processed.Packages, lineOffset: null, notes);
            foreach ((int line, string? path) in processed.Loads)
            {
                PrepareLoadedScript(notebook, cell, session, line, path, cellPath, notes);
            }

            code = cell.IsParameters ? ParameterOverrides.Apply(processed.Code, options.Parameters) : processed.Code;
        }
        catch (CellPreprocessException e)
        {
            throw new NotebookCellException(notebook.Name, cell.Number, e.Line, e.Message, e);
        }

        Script<object> script = state.Script.ContinueWith(code, session.Options.WithFilePath(cellPath));
        System.Collections.Immutable.ImmutableArray<Diagnostic> diagnostics = script.Compile();
        Diagnostic[] errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            Diagnostic first = errors[0];
            int? line = first.Location.IsInSource && first.Location.GetLineSpan().Path == cellPath ? first.Location.GetLineSpan().StartLinePosition.Line + 1 : (int?)null;
            string message = string.Join("; ", errors.Take(3).Select(d => $"{Where(d, cellPath)}error {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}"))
                + (errors.Length > 3 ? $" (and {errors.Length - 3} more errors)" : "");
            throw new NotebookCellException(notebook.Name, cell.Number, line, message);
        }

        // The kernel writes a cell's compiler warnings into its output, on stderr; so does the runner (Verso does not).
        foreach (Diagnostic warning in diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning && !session.Verso))
        {
            FileLinePositionSpan position = warning.Location.GetLineSpan();
            string place = position.Path == cellPath ? "" : Path.GetFileName(position.Path);
            sink.Write("stderr", $"{place}({position.StartLinePosition.Line + 1},{position.StartLinePosition.Character + 1}): warning {warning.Id}: {warning.GetMessage(CultureInfo.InvariantCulture)}\n");
        }

        ScriptState<object> next;
        try
        {
            next = await script.RunFromAsync(state).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Exception error = Unwrap(e);
            throw new NotebookCellException(notebook.Name, cell.Number, FindLine(error, cellPath), $"{error.GetType().FullName}: {error.Message}", error);
        }

        try
        {
            if (session.Verso && next.ReturnValue is not null)
            {
                // Verso shows any return value; one MIME type, and a chart only if it can draw it.
                (CellOutput? shown, string? problem) = VersoProfile.Shown(next.ReturnValue, null);
                if (problem is not null)
                {
                    session.VersoProblems.Add("the cell's value: " + problem);
                }
                else
                {
                    sink.AddFixed(shown! with { OutputType = CellOutput.ExecuteResult });
                }
            }
            else if (!session.Verso && TrailingExpressionIsShown(next))
            {
                sink.AddFixed(OutputFormatter.Format(next.ReturnValue) with { OutputType = CellOutput.ExecuteResult });
            }
        }
        catch (Exception e)
        {
            // For example a ToString() that throws: the kernel would show the error in the cell too.
            Exception error = Unwrap(e);
            throw new NotebookCellException(notebook.Name, cell.Number, null,
                $"showing the cell's result failed: {error.GetType().FullName}: {error.Message}", error);
        }

        if (session.Verso)
        {
            // Verso fails a cell that wrote to stderr.
            if (sink.OutputsOf(cell.Number - 1) is var outputs && outputs.FirstOrDefault(o => o is { OutputType: CellOutput.Stream, Name: "stderr" }) is { } stderr)
            {
                session.VersoProblems.Add($"it wrote to stderr, which fails a cell in Verso: {stderr.Text!.Trim()}");
            }

            if (session.VersoProblems.Count > 0)
            {
                string problems = string.Join("; ", session.VersoProblems);
                session.VersoProblems.Clear();
                throw new NotebookCellException(notebook.Name, cell.Number, null, "Verso profile: " + problems);
            }
        }

        return next;
    }

    // "in setup.csx, line 4: " for a diagnostic in a #load'ed script; nothing for one in the cell (the exception names its line).
    private static string Where(Diagnostic diagnostic, string cellPath)
    {
        FileLinePositionSpan position = diagnostic.Location.GetLineSpan();
        return !diagnostic.Location.IsInSource || position.Path == cellPath ? ""
            : $"in {Path.GetFileName(position.Path)}, line {position.StartLinePosition.Line + 1}: ";
    }

    /// <summary>
    /// Preprocesses a <c>#load</c>'ed script (and the scripts it loads) as a cell is preprocessed: its <c>#r</c>
    /// assemblies are loaded into the run, its text is handed to Roslyn by <see cref="LoadedScriptResolver"/>.
    /// </summary>
    private static void PrepareLoadedScript(Notebook notebook, NotebookCell cell, Session session, int line, string path, string loadingFile, List<string> notes)
    {
        string fullPath = session.Scripts.Resolve(path, loadingFile)
            ?? throw new NotebookCellException(notebook.Name, cell.Number, line,
                $"#load: script not found: {Path.GetFullPath(Path.Combine(Path.GetDirectoryName(loadingFile) ?? notebook.Directory, path))}");
        if (session.Scripts.Has(fullPath))
        {
            return;
        }

        CellPreprocessor.Result processed;
        try
        {
            processed = CellPreprocessor.Process(File.ReadAllText(fullPath), ProvidedAssemblies.Instance);
        }
        catch (CellPreprocessException e)
        {
            throw new NotebookCellException(notebook.Name, cell.Number, line, $"in {Path.GetFileName(fullPath)}, line {e.Line}: {e.Message}", e);
        }

        string name = Path.GetFileName(fullPath);
        notes.AddRange(processed.Notes.Select(n => $"{name}, {n}"));
        foreach ((int referenceLine, string? reference) in processed.References)
        {
            string resolved = Path.Combine(Path.GetDirectoryName(fullPath)!, reference);
            session.Options = session.Options.AddReferences(LoadReference(notebook, cell, session.LoadContext, line, resolved, notes));
        }

        LoadPackages(notebook, cell, session, processed.Packages, lineOffset: line, notes);
        session.Scripts.Add(fullPath, processed.Code);
        foreach ((int loadLine, string? load) in processed.Loads)
        {
            PrepareLoadedScript(notebook, cell, session, line, load, fullPath, notes);
        }
    }

    /// <summary>
    /// Restores the NuGet packages a cell asks for that the runner does not ship (see <see cref="PackageRestorer"/>)
    /// and references their assemblies, except those the framework or the runner already provide.
    /// </summary>
    /// <param name="lineOffset">The cell's <c>#load</c> line when the packages come from a loaded script.</param>
    private static void LoadPackages(Notebook notebook, NotebookCell cell, Session session,
        IReadOnlyList<(int Line, string Name, string? Version)> packages, int? lineOffset, List<string> notes)
    {
        foreach ((int line, string? name, string? version) in packages)
        {
            IReadOnlyList<string> assemblies;
            try
            {
                assemblies = PackageRestorer.Restore(name, version);
            }
            catch (PackageRestoreException e)
            {
                throw new NotebookCellException(notebook.Name, cell.Number, lineOffset ?? line, $"#r \"nuget: {name}\": {e.Message}", e);
            }

            foreach (string path in assemblies.Where(path => !IsFrameworkOrProvided(Path.GetFileNameWithoutExtension(path))))
            {
                session.Options = session.Options.AddReferences(LoadReference(notebook, cell, session.LoadContext, lineOffset ?? line, path, notes));
            }
        }
    }

    private static readonly Lazy<HashSet<string>> FrameworkAssemblyNames = new(() =>
        FrameworkAssemblyPaths().Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase));

    // A package's own copy of System.Memory or of FSharp.Core would be a second copy next to the one every
    // notebook already uses; the kernel also keeps its own.
    private static bool IsFrameworkOrProvided(string simpleName) =>
        FrameworkAssemblyNames.Value.Contains(simpleName) || ProvidedAssemblies.Instance.IsProvidedAssembly(simpleName);

    private static MetadataReference LoadReference(Notebook notebook, NotebookCell cell, NotebookLoadContext context, int line, string path, List<string> notes)
    {
        string fullPath = Path.GetFullPath(Path.Combine(notebook.Directory, path));
        if (!File.Exists(fullPath))
        {
            throw new NotebookCellException(notebook.Name, cell.Number, line, $"#r: assembly not found: {fullPath}");
        }

        try
        {
            (Assembly? assembly, MetadataReference? reference, bool reused) = context.LoadReference(fullPath);
            if (reused)
            {
                notes.Add($"line {line}: {assembly.GetName().Name} was already loaded from {reference.Display}; using that copy");
            }

            return reference;
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new NotebookCellException(notebook.Name, cell.Number, line, $"#r: cannot load {fullPath}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether the cell ends in an expression without a semicolon whose value the kernel would show
    /// (not a call to a void method).
    /// </summary>
    private static bool TrailingExpressionIsShown(ScriptState<object> state)
    {
        Compilation compilation = state.Script.GetCompilation();
        SyntaxTree? tree = compilation.SyntaxTrees.LastOrDefault();
        if (tree?.GetRoot() is not CompilationUnitSyntax root
            || root.Members.LastOrDefault() is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
            || !statement.SemicolonToken.IsMissing)
        {
            return false;
        }

        ITypeSymbol? type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    continue;
                default:
                    return e;
            }
        }
    }

    // The innermost frame of the cell's own code: where the cell threw, or the line that called into
    // the library that threw.
    private static int? FindLine(Exception error, string cellPath)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            foreach (StackFrame frame in new StackTrace(e, fNeedFileInfo: true).GetFrames())
            {
                if (frame.GetFileName() == cellPath && frame.GetFileLineNumber() > 0)
                {
                    return frame.GetFileLineNumber();
                }
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="parameters"/> name a variable the notebook's parameters cell does not have.</summary>
    public static void CheckParameters(Notebook notebook, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            return;
        }

        if (notebook.ParametersCell is not { } cell)
        {
            throw new ArgumentException(
                $"{notebook.Name} has no parameters cell (a code cell tagged 'parameters'), so --set {string.Join(", ", parameters.Keys)} cannot apply.");
        }

        IReadOnlyList<string> names = ParameterOverrides.Names(cell.Source);
        foreach (string name in parameters.Keys.Where(n => !names.Contains(n)))
        {
            throw new ArgumentException(
                $"{notebook.Name}, cell {cell.Number} (parameters): no top-level variable '{name}'; it assigns {(names.Count == 0 ? "none" : string.Join(", ", names))}.");
        }
    }

    private static IReadOnlyList<MetadataReference> LoadFrameworkReferences()
    {
        // Every assembly of the shared framework the runner itself runs on, as the kernel references them all.
        return FrameworkAssemblyPaths()
            .Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    }

    private static IEnumerable<string> FrameworkAssemblyPaths()
    {
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string[] trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator);
        return trusted.Where(path => Path.GetDirectoryName(path) == runtimeDirectory);
    }

    internal static bool IsManagedAssembly(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

}

/// <summary>Routes <see cref="Console.Out"/> and <see cref="Console.Error"/> into the running notebook's outputs.</summary>
internal static class ConsoleCapture
{
    private static TextWriter? _installedOut;
    private static TextWriter? _installedError;

    public static void Install()
    {
        if (!ReferenceEquals(Console.Out, _installedOut))
        {
            Console.SetOut(new SinkWriter("stdout", Console.Out));
            _installedOut = Console.Out;
        }

        if (!ReferenceEquals(Console.Error, _installedError))
        {
            Console.SetError(new SinkWriter("stderr", Console.Error));
            _installedError = Console.Error;
        }
    }
}

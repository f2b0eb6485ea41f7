using System.Reflection;
using Plotly.NET;

namespace NeuralNet.Notebooks;

/// <summary>
/// The assemblies the runner hands to every notebook itself, and the NuGet package names they satisfy
/// in <c>#r "nuget: Name, Version"</c> lines.
/// </summary>
internal sealed class ProvidedAssemblies
{
    public static ProvidedAssemblies Instance { get; } = new();

    private readonly Dictionary<string, string?> _packages = new(StringComparer.OrdinalIgnoreCase);

    private ProvidedAssemblies()
    {
        Assembly plotly = typeof(GenericChart).Assembly;
        Assembly plotlyCSharp = typeof(Plotly.NET.CSharp.Chart).Assembly;
        Assembly fsharpCore = typeof(Microsoft.FSharp.Core.FSharpOption<>).Assembly;
        var referenced = new List<Assembly> { typeof(ProvidedAssemblies).Assembly, plotly, plotlyCSharp, fsharpCore };

        // Plotly.NET's own dependencies (DynamicObj, Giraffe.ViewEngine, Newtonsoft.Json, ...), loaded now so that
        // scripts and the assemblies they load by path bind to these very copies.
        foreach (AssemblyName name in plotly.GetReferencedAssemblies().Concat(plotlyCSharp.GetReferencedAssemblies()))
        {
            if (!IsFramework(name.Name) && referenced.All(a => a.GetName().Name != name.Name))
            {
                referenced.Add(Assembly.Load(name));
            }
        }

        Assemblies = referenced;
        foreach (Assembly assembly in referenced.Skip(1))
        {
            _packages[assembly.GetName().Name!] = Version(assembly);
        }

        // Plotly.NET.Interactive only registers a chart formatter with the kernel; the runner formats charts itself.
        _packages["Plotly.NET.Interactive"] = Version(plotly);
    }

    /// <summary>The assemblies referenced by every notebook (the kernel shim and Plotly.NET with its dependencies).</summary>
    public IReadOnlyList<Assembly> Assemblies { get; }

    /// <summary>The package names the runner satisfies, for messages.</summary>
    public IEnumerable<string> PackageNames => _packages.Keys.Order(StringComparer.OrdinalIgnoreCase);

    public bool TryGetPackage(string name, out string? version) => _packages.TryGetValue(name, out version);

    public bool IsProvidedAssembly(string simpleName) =>
        Assemblies.Any(a => string.Equals(a.GetName().Name, simpleName, StringComparison.OrdinalIgnoreCase));

    private static string? Version(Assembly assembly)
    {
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString(3);
    }

    private static bool IsFramework(string? name) =>
        name is null || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal)
        || name is "netstandard" or "mscorlib";
}

using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace NeuralNet.Notebooks;

/// <summary>
/// Loads the assemblies a notebook references by path (<c>#r "../src/NeuralNet/bin/Release/net8.0/NeuralNet.dll"</c>)
/// for one run.
/// <list type="bullet">
/// <item>One copy per assembly name: the first one loaded wins, so a library whose bin folder carries its own
/// (possibly older) copy of a dependency the notebook already loaded binds to the loaded one, as an application
/// would. Roslyn's own loader refuses that case ("a different assembly with the same name and version").</item>
/// <item>Loaded from bytes, so the files stay free: a later chapter's build cell can rebuild them, and a fresh
/// context per run picks the new build up.</item>
/// <item>Assemblies the runner itself has (the framework, Plotly.NET, FSharp.Core) come from the runner's context.</item>
/// </list>
/// The context of the running notebook also answers the default context's <see cref="AssemblyLoadContext.Resolving"/>
/// event, which is where Roslyn's loader for compiled cells asks before loading anything itself.
/// </summary>
internal sealed class NotebookLoadContext : AssemblyLoadContext
{
    private static NotebookLoadContext? _current;
    private static int _hooked;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Assembly> _bySimpleName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _probeDirectories = [];

    public NotebookLoadContext(string name)
        : base(name, isCollectible: false)
    {
        Resolving += (_, assemblyName) => Find(assemblyName);
    }

    /// <summary>The context of the notebook being run (runs take turns), or null.</summary>
    public static NotebookLoadContext? Current
    {
        get => Volatile.Read(ref _current);
        set
        {
            if (Interlocked.Exchange(ref _hooked, 1) == 0)
            {
                Default.Resolving += (_, assemblyName) => Volatile.Read(ref _current)?.Find(assemblyName);
            }

            Volatile.Write(ref _current, value);
        }
    }

    /// <summary>
    /// Loads the assembly at <paramref name="path"/>, or returns the one of the same name already loaded, with a
    /// compile-time reference made from the very bytes that were loaded.
    /// </summary>
    /// <returns>The assembly, its metadata reference, and whether it had already been loaded from another path.</returns>
    public (Assembly Assembly, MetadataReference Reference, bool Reused) LoadReference(string path)
    {
        string name = AssemblyName.GetAssemblyName(path).Name!;
        lock (_gate)
        {
            AddProbeDirectory(Path.GetDirectoryName(path)!);
            if (_bySimpleName.TryGetValue(name, out Assembly? loaded))
            {
                return (loaded, ReferenceTo(loaded), !string.Equals(Origin(loaded), path, StringComparison.Ordinal));
            }

            Assembly assembly = LoadCopy(path);
            _bySimpleName[name] = assembly;
            return (assembly, ReferenceTo(assembly), false);
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        lock (_gate)
        {
            // null: let the runner's own context (the framework, Plotly.NET and its dependencies) answer first.
            return assemblyName.Name is { } name && _bySimpleName.TryGetValue(name, out Assembly? loaded) ? loaded : null;
        }
    }

    /// <summary>
    /// A native library an assembly of the notebook imports (<c>[DllImport("onnxruntime")]</c>): looked up next to
    /// the assemblies the notebook referenced, where a restored package keeps its native files.
    /// </summary>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string[] fileNames = [unmanagedDllName, $"lib{unmanagedDllName}.so", $"{unmanagedDllName}.so", $"lib{unmanagedDllName}.dylib", $"{unmanagedDllName}.dll"];
        lock (_gate)
        {
            foreach (string candidate in _probeDirectories.SelectMany(directory => fileNames.Select(file => Path.Combine(directory, file))))
            {
                if (File.Exists(candidate))
                {
                    return LoadUnmanagedDllFromPath(candidate);
                }
            }
        }

        return IntPtr.Zero;   // the default search: the system's library path
    }

    private Assembly? Find(AssemblyName assemblyName)
    {
        if (assemblyName.Name is not { } name)
        {
            return null;
        }

        lock (_gate)
        {
            if (_bySimpleName.TryGetValue(name, out Assembly? loaded))
            {
                return loaded;
            }

            // Next to the assemblies the notebook referenced, in the order it referenced them.
            foreach (string directory in _probeDirectories)
            {
                string candidate = Path.Combine(directory, name + ".dll");
                if (File.Exists(candidate))
                {
                    Assembly assembly = LoadCopy(candidate);
                    _bySimpleName[name] = assembly;
                    return assembly;
                }
            }

            return null;
        }
    }

    private readonly Dictionary<Assembly, (string Path, byte[] Image)> _origins = [];

    private Assembly LoadCopy(string path)
    {
        byte[] image = File.ReadAllBytes(path);
        string pdbPath = Path.ChangeExtension(path, ".pdb");
        using MemoryStream? pdb = File.Exists(pdbPath) ? new MemoryStream(File.ReadAllBytes(pdbPath)) : null;
        Assembly assembly = LoadFromStream(new MemoryStream(image), pdb);
        _origins[assembly] = (path, image);
        return assembly;
    }

    private void AddProbeDirectory(string directory)
    {
        if (!_probeDirectories.Contains(directory))
        {
            _probeDirectories.Add(directory);
        }
    }

    private string Origin(Assembly assembly) => _origins.TryGetValue(assembly, out (string Path, byte[] Image) origin) ? origin.Path : assembly.Location;

    private MetadataReference ReferenceTo(Assembly assembly)
    {
        (string? path, byte[]? image) = _origins[assembly];
        return MetadataReference.CreateFromImage(image, filePath: path);
    }
}

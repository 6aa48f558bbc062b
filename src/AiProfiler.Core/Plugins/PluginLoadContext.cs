using System.Reflection;
using System.Runtime.Loader;

namespace AiProfiler.Core.Plugins;

/// <summary>
/// One collectible load context per plugin folder. Private dependencies resolve through the plugin's .deps.json
/// (<see cref="AssemblyDependencyResolver"/>) and are read into memory, so the files stay unlocked and the folder can be
/// replaced while the agent runs. The contract assemblies (with ILGPU, whose accelerators the ILGPU capability hands
/// out) and Microsoft.Extensions.* always come from the host, so a plugin's <c>IWorkload</c> is the host's
/// <c>IWorkload</c>. A plugin that does not reference ILGPU never causes it to load.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver? _resolver;
    private readonly string _folder;

    public PluginLoadContext(string name, string mainAssemblyPath)
        : base($"plugin:{name}", isCollectible: true)
    {
        _folder = Path.GetDirectoryName(mainAssemblyPath)!;
        var depsJson = Path.ChangeExtension(mainAssemblyPath, ".deps.json");
        _resolver = File.Exists(depsJson) ? new AssemblyDependencyResolver(mainAssemblyPath) : null;
    }

    public static bool IsShared(AssemblyName name) =>
        name.Name is { } n && (n is "AiProfiler.Abstractions" or "AiProfiler.Abstractions.Ilgpu" or "ILGPU" or "ILGPU.Algorithms"
            || n.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal));

    public Assembly LoadFromFileInMemory(string path)
    {
        using var image = new MemoryStream(File.ReadAllBytes(path));
        var symbols = Path.ChangeExtension(path, ".pdb");
        if (File.Exists(symbols))
        {
            using var pdb = new MemoryStream(File.ReadAllBytes(symbols));
            return LoadFromStream(image, pdb);
        }

        return LoadFromStream(image);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            return null;
        }

        var path = _resolver?.ResolveAssemblyToPath(assemblyName);
        if (path is null)
        {
            var local = Path.Combine(_folder, assemblyName.Name + ".dll");
            path = File.Exists(local) ? local : null;
        }

        if (path is not null)
        {
            return LoadFromFileInMemory(path);
        }

        // Everything else (the framework, packages the host already has) comes from the default context.
        return null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver?.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}

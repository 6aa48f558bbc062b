using System.Collections.Immutable;
using System.Reflection;
using AiProfiler.Abstractions;
using AiProfiler.Abstractions.Sampling;
using AiProfiler.Abstractions.Workloads;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Plugins;

/// <summary>
/// Loads every folder under the plugins directory into its own collectible context, keeps what loaded, skips what did
/// not with one log line each, and reloads a folder when its files change. A bad plugin never stops the others.
/// </summary>
public sealed partial class PluginCatalog : IDisposable
{
    private const string BundledPrefix = "AiProfiler.Workloads.";
    private readonly PluginCatalogOptions _options;
    private readonly ILogger<PluginCatalog> _logger;
    private readonly TimeProvider _time;
    private readonly IPluginProbe? _probe;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PluginLoadContext> _contexts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITimer> _pending = new(StringComparer.Ordinal);
    private ImmutableArray<PluginRecord> _plugins = [];
    private FileSystemWatcher? _watcher;

    /// <summary>
    /// Creates the catalog; nothing is loaded until <see cref="LoadAll"/>. With a <paramref name="probe"/>, each folder is
    /// loaded in isolation first and loaded here only if that went cleanly.
    /// </summary>
    public PluginCatalog(IOptions<PluginCatalogOptions> options, ILogger<PluginCatalog> logger, TimeProvider? time = null, IPluginProbe? probe = null)
    {
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _probe = probe;
        Directory = _options.ResolveDirectory();
    }

    /// <summary>Raised after a plugin folder was loaded, reloaded or removed.</summary>
    public event EventHandler? Changed;

    /// <summary>The full path of the plugins directory.</summary>
    public string Directory { get; }

    /// <summary>Every plugin folder seen, loaded or skipped, by name.</summary>
    public IReadOnlyList<PluginRecord> Plugins => _plugins;

    /// <summary>All workloads of loaded plugins (names are unique: a plugin repeating a loaded name is refused).</summary>
    public IReadOnlyList<IWorkload> Workloads =>
        _plugins.Where(p => p.Status == PluginStatus.Loaded).SelectMany(p => p.Workloads).ToArray();

    /// <summary>True once <see cref="LoadAll"/> has finished.</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>The workload named <paramref name="name"/> (case-insensitive), or null.</summary>
    public IWorkload? FindWorkload(string name) =>
        Workloads.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The loaded plugin offering the workload named <paramref name="name"/> (case-insensitive), or null.</summary>
    public PluginRecord? FindPlugin(string name) =>
        _plugins.FirstOrDefault(p => p.Status == PluginStatus.Loaded && p.Workloads.Any(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Creates the samplers of loaded plugins.</summary>
    public IEnumerable<ISampler> CreatePluginSamplers() =>
        _plugins.Where(p => p.Status == PluginStatus.Loaded).SelectMany(p => p.CreateSamplers());

    /// <summary>Loads every folder of the plugins directory and, if configured, starts watching it; later calls do nothing.</summary>
    public void LoadAll()
    {
        lock (_gate)
        {
            if (IsLoaded)
            {
                return;
            }

            IsLoaded = true;
        }

        if (!System.IO.Directory.Exists(Directory))
        {
            LogNoDirectory(Directory);
        }
        else
        {
            // The bundled plugins first, so a third party's workload of the same name is the one refused.
            var folders = System.IO.Directory.EnumerateDirectories(Directory)
                .OrderBy(f => Path.GetFileName(f).StartsWith(BundledPrefix, StringComparison.Ordinal) ? 0 : 1)
                .ThenBy(f => f, StringComparer.Ordinal)
                .ToArray();

            // Probes are separate processes: run a few at a time (asynchronously, so no thread waits on another), then
            // load in order.
            var probed = _probe is null ? new string?[folders.Length] : ProbeAllAsync(_probe, folders).GetAwaiter().GetResult();

            for (var i = 0; i < folders.Length; i++)
            {
                Load(Path.GetFileName(folders[i]), probed[i]);
            }

            if (_options.HotReload)
            {
                StartWatching();
            }
        }
    }

    /// <summary>Unloads the folder <paramref name="name"/> if loaded, then loads it again if it still exists.</summary>
    public void Reload(string name)
    {
        var folder = Path.Combine(Directory, name);
        Load(name, System.IO.Directory.Exists(folder) && _probe is not null ? _probe.ProbeAsync(folder).GetAwaiter().GetResult() : null);
    }

    private static async Task<string?[]> ProbeAllAsync(IPluginProbe probe, string[] folders)
    {
        using var slots = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));
        return await Task.WhenAll(folders.Select(async folder =>
        {
            await slots.WaitAsync().ConfigureAwait(false);
            try
            {
                return await probe.ProbeAsync(folder).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
    }

    private void Load(string name, string? problem)
    {
        lock (_gate)
        {
            UnloadLocked(name);
            var folder = Path.Combine(Directory, name);
            if (System.IO.Directory.Exists(folder))
            {
                var record = problem is not null
                    ? new PluginRecord { Name = name, Folder = folder, Status = PluginStatus.Skipped, Error = problem }
                    : RefuseDuplicates(LoadFolder(name, folder));
                _plugins = _plugins.Add(record).Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                if (record.Status == PluginStatus.Loaded)
                {
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        var provides = string.Join(", ", record.Workloads.Select(w => w.Name).Concat(record.SamplerTypes.Select(t => t.Name)));
                        LogLoaded(record.Name, provides);
                    }
                }
                else
                {
                    LogSkipped(record.Name, record.Error ?? "");
                }
            }
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Unloads the plugin <paramref name="name"/>; returns a weak reference to its context to prove collection.</summary>
    public WeakReference? Unload(string name)
    {
        WeakReference? reference;
        lock (_gate)
        {
            reference = UnloadLocked(name);
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return reference;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _watcher?.Dispose();
        lock (_gate)
        {
            foreach (var timer in _pending.Values)
            {
                timer.Dispose();
            }

            _pending.Clear();
        }
    }

    /// <summary>
    /// A workload name already offered by another loaded folder (compared case-insensitively, as <c>--workload</c> is)
    /// refuses the later folder, so neither replaces the other silently.
    /// </summary>
    private PluginRecord RefuseDuplicates(PluginRecord record)
    {
        foreach (var workload in record.Workloads)
        {
            if (_plugins.FirstOrDefault(p => p.Status == PluginStatus.Loaded && p.Workloads.Any(w => string.Equals(w.Name, workload.Name, StringComparison.OrdinalIgnoreCase))) is { } owner)
            {
                if (_contexts.Remove(record.Name, out var context))
                {
                    context.Unload();
                }

                return record with
                {
                    Status = PluginStatus.Skipped,
                    Workloads = [],
                    SamplerTypes = [],
                    Error = $"workload '{workload.Name}' is already offered by {owner.Folder}; this folder ({record.Folder}) is refused: rename its workload or remove one of the two folders",
                };
            }
        }

        return record;
    }

    private WeakReference? UnloadLocked(string name)
    {
        _plugins = _plugins.RemoveAll(p => p.Name == name);
        if (!_contexts.Remove(name, out var context))
        {
            return null;
        }

        context.Unload();
        return new WeakReference(context);
    }

    private PluginRecord LoadFolder(string name, string folder)
    {
        PluginRecord Skip(string reason, string version = "") =>
            new() { Name = name, Folder = folder, Status = PluginStatus.Skipped, Error = reason, Version = version };

        var entries = new List<string>();
        foreach (var dll in System.IO.Directory.EnumerateFiles(folder, "*.dll").Order(StringComparer.Ordinal))
        {
            try
            {
                var (kind, contract) = PluginInspector.Inspect(dll);
                if (kind != PluginInspector.Kind.Entry)
                {
                    continue;
                }

                if (contract is null || contract.Major != WorkloadContract.MajorVersion)
                {
                    return Skip($"{Path.GetFileName(dll)} was built against contract {contract} but this agent has contract {WorkloadContract.Version}; rebuild it against AiProfiler.Abstractions {WorkloadContract.MajorVersion}.x");
                }

                entries.Add(dll);
            }
            catch (BadImageFormatException)
            {
                return Skip($"{Path.GetFileName(dll)} is not a valid .NET assembly (corrupt or truncated); rebuild or remove it");
            }
            catch (IOException ex)
            {
                return Skip($"{Path.GetFileName(dll)} could not be read ({ex.Message}); check the file and its permissions");
            }
        }

        if (entries.Count == 0)
        {
            return Skip("no workload: no assembly in the folder references AiProfiler.Abstractions; build the plugin into this folder");
        }

        PluginLoadContext? context = null;
        try
        {
            context = new PluginLoadContext(name, entries[0]);
            var workloads = new List<IWorkload>();
            var samplers = new List<Type>();
            foreach (var path in entries)
            {
                var assembly = context.LoadFromFileInMemory(path);
                foreach (var type in ExportedTypes(assembly))
                {
                    if (!type.IsClass || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
                    {
                        continue;
                    }

                    if (typeof(IWorkload).IsAssignableFrom(type))
                    {
                        workloads.Add(new SnapshotWorkload((IWorkload)Activator.CreateInstance(type)!));
                    }
                    else if (typeof(ISampler).IsAssignableFrom(type))
                    {
                        samplers.Add(type);
                    }
                }
            }

            if (workloads.Count == 0 && samplers.Count == 0)
            {
                context.Unload();
                return Skip("no workload: no public IWorkload or ISampler class with a parameterless constructor; make the class public");
            }

            _contexts[name] = context;
            return new PluginRecord
            {
                Name = name,
                Folder = folder,
                Status = PluginStatus.Loaded,
                Version = PluginInspector.ReadVersion(entries[0]),
                Workloads = workloads,
                SamplerTypes = samplers,
            };
        }
#pragma warning disable CA1031 // A plugin may throw anything while loading; it must never take the agent down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            context?.Unload();
            var inner = ex is TargetInvocationException { InnerException: { } cause } ? cause : ex;
            return Skip($"threw while loading: {inner.GetType().Name}: {FirstLine(inner.Message)}; fix the plugin and copy it again");
        }
    }

    private static Type[] ExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            var first = ex.LoaderExceptions.FirstOrDefault(e => e is not null);
            throw new InvalidOperationException($"types could not be loaded ({first?.Message ?? ex.Message})", ex);
        }
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return (newline < 0 ? text : text[..newline]).Trim();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {Plugin} loaded: {Provides}")]
    private partial void LogLoaded(string plugin, string provides);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin} skipped: {Reason}")]
    private partial void LogSkipped(string plugin, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin folder {Plugin} changed; reloading")]
    private partial void LogReloading(string plugin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugins directory {Directory} does not exist; no workloads are loaded (set Plugins:Directory)")]
    private partial void LogNoDirectory(string directory);
}

using AiProfiler.Abstractions.Sampling;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Core.Plugins;

/// <summary>What the catalog knows about one plugin folder.</summary>
public sealed record PluginRecord
{
    /// <summary>The folder's name, e.g. <c>AiProfiler.Workloads.Gemm</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The folder's full path.</summary>
    public required string Folder { get; init; }

    /// <summary>Loaded or skipped.</summary>
    public required PluginStatus Status { get; init; }

    /// <summary>Why the plugin was skipped (one line), or null.</summary>
    public string? Error { get; init; }

    /// <summary>The plugin's main assembly version, when it could be read.</summary>
    public string Version { get; init; } = "";

    /// <summary>The workloads the plugin provides.</summary>
    public IReadOnlyList<IWorkload> Workloads { get; init; } = [];

    /// <summary>The sampler types the plugin provides; the sampler host creates instances.</summary>
    public IReadOnlyList<Type> SamplerTypes { get; init; } = [];

    /// <summary>Creates one instance of each sampler type.</summary>
    public IEnumerable<ISampler> CreateSamplers() => SamplerTypes.Select(t => (ISampler)Activator.CreateInstance(t)!);
}

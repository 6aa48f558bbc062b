using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Core.Plugins;

/// <summary>
/// A plugin's workload with its name, description and parameters read once, when the plugin loads (where a throwing
/// getter skips the plugin): the agent reads them again and again (schedule, validation, hot reload, the page), and a
/// getter that throws later must not stop it.
/// </summary>
internal sealed class SnapshotWorkload : IWorkload
{
    private readonly IWorkload _inner;

    public SnapshotWorkload(IWorkload inner)
    {
        _inner = inner;
        Name = inner.Name ?? throw new InvalidOperationException($"{inner.GetType().Name}.Name is null");
        Description = inner.Description ?? "";
        Parameters = [.. inner.Parameters];
    }

    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<ParameterDescriptor> Parameters { get; }

    public long EstimateMemoryBytes(ParameterSet parameters) => _inner.EstimateMemoryBytes(parameters);

    public long EstimateHostMemoryBytes(ParameterSet parameters) => _inner.EstimateHostMemoryBytes(parameters);

    public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters) => _inner.Prepare(device, parameters);
}

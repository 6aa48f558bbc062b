using AiProfiler.Abstractions.Sampling;
using AiProfiler.Core.Plugins;
using AiProfiler.Telemetry;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// Hands the samplers of plugins in <c>plugins/</c> to the sampler host, each behind a <see cref="DeadlineSampler"/>. The
/// host asks while it is being created, which is before the plugin start-up service runs, so this loads the catalog
/// first (loading is idempotent). A plugin sampler is picked up at start; hot reload replaces workloads, not running
/// samplers. A sampler whose constructor or name throws is left out with one log line.
/// </summary>
internal sealed partial class PluginSamplerSource(PluginCatalog catalog, ILogger<PluginSamplerSource> logger) : ISamplerSource
{
    /// <summary>How long a plugin sampler's Start() or Dispose() may take (Collect has the sampler host's deadline).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    public IEnumerable<ISampler> CreateSamplers()
    {
        catalog.LoadAll();
        var samplers = new List<ISampler>();
        foreach (var plugin in catalog.Plugins.Where(p => p.Status == PluginStatus.Loaded))
        {
            foreach (var type in plugin.SamplerTypes)
            {
                try
                {
                    var sampler = (ISampler)Activator.CreateInstance(type)!;
                    samplers.Add(new DeadlineSampler(sampler, sampler.Name, Deadline));
                }
#pragma warning disable CA1031 // A plugin's sampler may throw anything while it is created; the others keep running.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogUnusable(plugin.Name, type.Name, (ex.InnerException ?? ex).Message);
                }
            }
        }

        return samplers;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin}: sampler {Sampler} left out: {Reason}")]
    private partial void LogUnusable(string plugin, string sampler, string reason);
}

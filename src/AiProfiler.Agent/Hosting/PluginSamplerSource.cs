using AiProfiler.Abstractions.Sampling;
using AiProfiler.Core.Plugins;
using AiProfiler.Telemetry;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// Hands the samplers of plugins in <c>plugins/</c> to the sampler host. The host asks while it is being created, which
/// is before the plugin start-up service runs, so this loads the catalog first (loading is idempotent). A plugin
/// sampler is picked up at start; hot reload replaces workloads, not running samplers.
/// </summary>
internal sealed class PluginSamplerSource(PluginCatalog catalog) : ISamplerSource
{
    public IEnumerable<ISampler> CreateSamplers()
    {
        catalog.LoadAll();
        return catalog.CreatePluginSamplers().ToArray();
    }
}

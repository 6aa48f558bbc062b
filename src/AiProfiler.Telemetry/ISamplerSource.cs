using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry;

/// <summary>
/// Supplies samplers that are not known when services are registered, such as those of plugins loaded from
/// <c>plugins/</c>. The sampler host asks every registered source once, when it is created, and runs what they
/// return exactly like the built-in samplers (named, timed, switched on and off by configuration).
/// </summary>
public interface ISamplerSource
{
    /// <summary>Creates the source's samplers.</summary>
    IEnumerable<ISampler> CreateSamplers();
}

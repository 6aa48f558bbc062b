using AiProfiler.Core.Hosting;
using AiProfiler.Telemetry;

namespace AiProfiler.Agent.Hosting;

/// <summary>Marks the samplers ready for <c>/readyz</c> once the sampler host has started them.</summary>
internal sealed class SamplerReadinessObserver(AgentReadiness readiness) : ISamplersStartedObserver
{
    public const string Component = "samplers";

    public void OnSamplersStarted() => readiness.MarkReady(Component);
}

namespace AiProfiler.Telemetry;

/// <summary>Told once every enabled sampler has been started (available or not), e.g. to report readiness.</summary>
public interface ISamplersStartedObserver
{
    /// <summary>Called once, from the sampler host's thread, after the samplers were started.</summary>
    void OnSamplersStarted();
}

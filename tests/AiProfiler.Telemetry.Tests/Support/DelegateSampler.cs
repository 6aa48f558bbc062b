using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Telemetry.Tests.Support;

/// <summary>A sampler whose behaviour a test supplies.</summary>
internal sealed class DelegateSampler(string name, Action<IMetricWriter> collect, Func<string?>? start = null) : ISampler
{
    public string Name { get; } = name;

    public int Starts { get; private set; }

    public int Collections { get; private set; }

    public string? Start()
    {
        Starts++;
        return start?.Invoke();
    }

    public void Collect(IMetricWriter writer)
    {
        Collections++;
        collect(writer);
    }

    public void Dispose()
    {
    }
}

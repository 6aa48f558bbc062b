namespace AiProfiler.Telemetry;

/// <summary>Settings of one sampler, under <c>Samplers:&lt;name&gt;</c>.</summary>
public sealed class SamplerOptions
{
    /// <summary>The shortest interval accepted, in seconds.</summary>
    public const double MinIntervalSeconds = 0.1;

    /// <summary>The longest interval accepted, in seconds.</summary>
    public const double MaxIntervalSeconds = 3600;

    /// <summary>Whether the sampler runs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between two collections, from 0.1 to 3600. Default 1.</summary>
    public double IntervalSeconds { get; set; } = 1;
}

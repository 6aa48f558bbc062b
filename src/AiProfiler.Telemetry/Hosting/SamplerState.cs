namespace AiProfiler.Telemetry.Hosting;

internal enum SamplerState
{
    NotStarted,
    Running,
    Unavailable,
}

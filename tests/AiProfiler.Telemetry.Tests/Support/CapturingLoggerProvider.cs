using Microsoft.Extensions.Logging;

namespace AiProfiler.Telemetry.Tests.Support;

/// <summary>Routes every category of a service provider's logging into one <see cref="CapturingLogger"/>.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public CapturingLogger Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => Logger;

    public void Dispose()
    {
    }
}

using System.Globalization;
using AiProfiler.Core.Plugins;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Workers;

/// <summary>Probes a plugin folder by inspecting it in a worker process of its own, killed if it takes too long.</summary>
public sealed class WorkerPluginProbe(WorkerLaunch launch, IOptions<WorkerOptions> options) : IPluginProbe
{
    /// <summary>Starting a process on a loaded host can take seconds; only the load itself counts against the probe timeout.</summary>
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public async Task<string?> ProbeAsync(string folder)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timeout = TimeSpan.FromSeconds(options.Value.ProbeTimeoutSeconds);
        var worker = WorkerProcess.Start(launch, 0, TimeSpan.FromMilliseconds(options.Value.StopGraceMilliseconds));
        await using (worker.ConfigureAwait(false))
        {
            if (!await worker.WaitReadyAsync(StartupTimeout).ConfigureAwait(false))
            {
                return string.Create(CultureInfo.InvariantCulture, $"the probe process did not start within {StartupTimeout.TotalSeconds:0} s; the folder is tried again when it changes");
            }

            var exchange = await worker.RequestAsync(new WorkerRequest { Kind = WorkerRequest.Inspect, PluginFolder = folder }, null, timeout, CancellationToken.None).ConfigureAwait(false);
            return exchange switch
            {
                { Reply: { } reply } => reply.Error,
                { TimedOut: true } => string.Create(CultureInfo.InvariantCulture, $"loading it did not finish within {timeout.TotalSeconds:0} s (a constructor or static initializer that blocks?); the probe was killed"),
                _ => $"loading it ended the probe process ({exchange.Death}); fix the plugin and copy it again",
            };
        }
    }
}

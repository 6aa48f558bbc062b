using System.Globalization;
using AiProfiler.Core.Plugins;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Workers;

/// <summary>Probes a plugin folder by inspecting it in a worker process of its own, killed if it takes too long.</summary>
public sealed class WorkerPluginProbe(WorkerLaunch launch, IOptions<WorkerOptions> options) : IPluginProbe
{
    /// <summary>Longer than any honest plugin's load; a constructor that blocks is cut off here.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <inheritdoc />
    public string? Probe(string folder) => ProbeAsync(folder).GetAwaiter().GetResult();

    private async Task<string?> ProbeAsync(string folder)
    {
        ArgumentNullException.ThrowIfNull(options);
        var worker = WorkerProcess.Start(launch, 0, TimeSpan.FromMilliseconds(options.Value.StopGraceMilliseconds));
        await using (worker.ConfigureAwait(false))
        {
            var exchange = await worker.RequestAsync(new WorkerRequest { Kind = WorkerRequest.Inspect, PluginFolder = folder }, null, Timeout, CancellationToken.None).ConfigureAwait(false);
            return exchange switch
            {
                { Reply: { } reply } => reply.Error,
                { TimedOut: true } => string.Create(CultureInfo.InvariantCulture, $"loading it did not finish within {Timeout.TotalSeconds:0} s (a constructor or static initializer that blocks?); the probe was killed"),
                _ => $"loading it ended the probe process ({exchange.Death}); fix the plugin and copy it again",
            };
        }
    }
}

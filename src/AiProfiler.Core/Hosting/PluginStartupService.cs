using AiProfiler.Core.Devices;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Hosting;

/// <summary>
/// Loads the plugins before anything else starts, then checks the schedule against the workloads and devices that
/// really exist; a bad schedule stops start-up with every problem named by its configuration key.
/// </summary>
public sealed class PluginStartupService(PluginCatalog catalog, DeviceRegistry devices, IOptions<ScheduleOptions> schedule, AgentReadiness readiness) : IHostedService
{
    /// <summary>The readiness component this service reports.</summary>
    public const string Component = "plugins";

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.LoadAll();
        var errors = ScheduleValidator.Validate(schedule.Value, catalog, devices);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(ScheduleOptions.SectionName, typeof(ScheduleOptions), errors);
        }

        readiness.MarkReady(Component);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

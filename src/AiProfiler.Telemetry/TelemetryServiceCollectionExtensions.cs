using AiProfiler.Abstractions.Sampling;
using AiProfiler.Telemetry.Hosting;
using AiProfiler.Telemetry.Linux;
using AiProfiler.Telemetry.Nvml;
using AiProfiler.Telemetry.Process;
using AiProfiler.Telemetry.Windows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProfiler.Telemetry;

/// <summary>Registers the samplers and the host that runs them.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Adds the built-in samplers (nvml, cpu, meminfo, loadavg, pressure, cpufreq, rapl, hwmon, process, windows) and
    /// a hosted service that runs every <see cref="ISampler"/> in the container, so a plugin sampler registered as an
    /// <see cref="ISampler"/> service runs too. Settings come from the <c>Samplers</c> section of
    /// <paramref name="configuration"/>; values appear on the "AiProfiler.Telemetry" meter, which the metrics
    /// pipeline must subscribe to.
    /// </summary>
    public static IServiceCollection AddAiProfilerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var section = configuration.GetSection(TelemetryOptions.SectionName);
        services.AddOptions<TelemetryOptions>().Configure(options => TelemetryOptionsReader.Read(section, options));
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<ISampler>(sp => new NvmlSampler(Options(sp).ProcRoot, sp.GetRequiredService<ILogger<NvmlSampler>>()));
        services.AddSingleton<ISampler>(sp => new CpuSampler(Options(sp).ProcRoot));
        services.AddSingleton<ISampler>(sp => new MeminfoSampler(Options(sp).ProcRoot));
        services.AddSingleton<ISampler>(sp => new LoadavgSampler(Options(sp).ProcRoot));
        services.AddSingleton<ISampler>(sp => new PressureSampler(Options(sp).ProcRoot));
        services.AddSingleton<ISampler>(sp => new CpufreqSampler(Options(sp).SysRoot));
        services.AddSingleton<ISampler>(sp => new RaplSampler(Options(sp).SysRoot));
        services.AddSingleton<ISampler>(sp => new HwmonSampler(Options(sp).SysRoot));
        // The agent's own process is always at /proc/self, even when ProcRoot points at a host's /proc mounted elsewhere.
        services.AddSingleton<ISampler>(_ => new ProcessSampler("/proc"));
        services.AddSingleton<ISampler, WindowsHostSampler>();

        services.AddHostedService<SamplerHost>();
        return services;
    }

    private static TelemetryOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
}

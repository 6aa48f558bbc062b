using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;
using AiProfiler.Backends.Cuda;
using AiProfiler.Backends.Ilgpu;
using AiProfiler.Backends.OpenCL;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Hosting;
using AiProfiler.Core.Metrics;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Running;
using AiProfiler.Core.Scheduling;
using AiProfiler.Core.Workers;
using AiProfiler.Telemetry;

namespace AiProfiler.Agent.Hosting;

/// <summary>Registers the agent's parts; shared by the service (<c>run</c>) and the one-shot commands.</summary>
internal static class AgentServiceCollectionExtensions
{
    /// <summary>Readiness components the agent waits for before <c>/readyz</c> answers 200.</summary>
    public static readonly string[] ReadinessComponents = [PluginStartupService.Component, SamplerReadinessObserver.Component];

    /// <summary>
    /// Options (bound strictly: an unknown key is an error naming it), the plugin catalog, the backends and the device
    /// registry, the runner, the worker processes runs happen in, and the run metrics.
    /// </summary>
    public static IServiceCollection AddAiProfilerCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PluginCatalogOptions>()
            .Bind(configuration.GetSection("Plugins"), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ScheduleOptions>()
            .Bind(configuration.GetSection(ScheduleOptions.SectionName), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PluginCatalog>();
        services.AddDeviceProviders();
        services.AddSingleton<DeviceRegistry>();
        services.AddOptions<CalibrationOptions>()
            .Bind(configuration.GetSection(CalibrationOptions.SectionName), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<CalibrationCache>();
        services.AddSingleton<Runner>();
        services.AddOptions<WorkerOptions>()
            .Bind(configuration.GetSection(WorkerOptions.SectionName), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(_ => WorkerLaunchResolver.ForThisAgent());
        services.AddSingleton<IPluginProbe, WorkerPluginProbe>();
        services.AddSingleton<PluginQuarantine>();
        services.AddSingleton<WorkerPool>();
        services.AddSingleton<ProfilerMetrics>();
        services.AddSingleton(_ => new AgentReadiness(ReadinessComponents));
        return services;
    }

    /// <summary>The agent's background work: load plugins (and validate the schedule) first, then the scheduler; the hardware samplers.</summary>
    public static IServiceCollection AddAiProfilerAgent(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAiProfilerCore(configuration);
        services.AddAgentMetrics(configuration);
        services.AddHostedService<PluginStartupService>();
        services.AddHostedService<SchedulerService>();
        services.AddHostedService<CalibrationStartupService>();
        services.AddAiProfilerTelemetry(configuration);
        services.AddSingleton<ISamplerSource, PluginSamplerSource>();
        services.AddSingleton<ISamplersStartedObserver, SamplerReadinessObserver>();
        return services;
    }

    /// <summary>Every backend this build has, in the order devices are listed; a worker process opens its devices through the same list.</summary>
    public static IDeviceProvider[] CreateDeviceProviders() =>
    [
        new CpuDeviceProvider(),
        new OpenClDeviceProvider(),
        new CudaDeviceProvider(),
        new IlgpuDeviceProvider(IlgpuTarget.Cuda),
        new IlgpuDeviceProvider(IlgpuTarget.OpenCL),
        new IlgpuDeviceProvider(IlgpuTarget.Cpu),
    ];

    private static IServiceCollection AddDeviceProviders(this IServiceCollection services)
    {
        foreach (var provider in CreateDeviceProviders())
        {
            services.AddSingleton(provider);
        }

        return services;
    }
}

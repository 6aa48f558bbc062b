using AiProfiler.Core.Metrics;
using AiProfiler.Exporters.Prometheus;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// The agent's metrics pipeline: the AiProfiler meters into one OpenTelemetry MeterProvider, read by the Prometheus
/// pull exporter (<c>/metrics</c>) and, when configured, pushed over OTLP. Configuration section <c>Metrics</c>
/// (<c>Metrics:Prometheus</c>, <c>Metrics:Otlp</c>) is bound strictly and validated when the agent starts.
/// </summary>
internal static class AgentMetricsServiceCollectionExtensions
{
    /// <summary>The meter the samplers write to.</summary>
    public const string TelemetryMeterName = "AiProfiler.Telemetry";

    public static IServiceCollection AddAgentMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrometheusExporterOptions>()
            .Bind(configuration.GetSection("Metrics:Prometheus"), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddOptions<OtlpPushOptions>()
            .Bind(configuration.GetSection(OtlpPushMeterProviderBuilderExtensions.DefaultSection), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddHostedService<AgentBuildInfo>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ProfilerMetrics.MeterName, TelemetryMeterName)
            .SetMaxMetricStreams(ProfilerMetrics.MaxMetricStreams)
            .SetResourceBuilder(ResourceBuilder.CreateEmpty()
                .AddService("aiprofiler", serviceVersion: AgentBuildInfo.Version, autoGenerateServiceInstanceId: false)
                .AddAttributes([new KeyValuePair<string, object>("host.name", Environment.MachineName)]))
            .AddRunDurationBuckets()
            .AddPrometheusPullExporter()
            .AddOtlpPushExporter());
        return services;
    }
}

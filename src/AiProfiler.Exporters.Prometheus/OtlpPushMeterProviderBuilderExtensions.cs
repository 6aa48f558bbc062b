using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>Adds the optional OTLP push (OpenTelemetry's OTLP exporter on a periodic reader) to a MeterProvider.</summary>
public static class OtlpPushMeterProviderBuilderExtensions
{
    /// <summary>The configuration section <see cref="OtlpPushOptions"/> are read from by convention.</summary>
    public const string DefaultSection = "Metrics:Otlp";

    /// <summary>
    /// Validates <paramref name="options"/> now (throwing <see cref="OptionsValidationException"/> with a one-line
    /// message) and, when <see cref="OtlpPushOptions.Enabled"/>, pushes every <see cref="OtlpPushOptions.IntervalSeconds"/>
    /// with cumulative temporality, so pushed series match the scraped ones.
    /// </summary>
    public static MeterProviderBuilder AddOtlpPushExporter(this MeterProviderBuilder builder, OtlpPushOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(options, DefaultSection);
        return options.Enabled ? builder.AddReader(CreateReader(options)) : builder;
    }

    /// <summary>
    /// As above, with <see cref="OtlpPushOptions"/> taken from the provider's services when it is built, e.g. bound
    /// with <c>services.AddOptions&lt;OtlpPushOptions&gt;().Bind(configuration.GetSection("Metrics:Otlp")).ValidateOnStart()</c>:
    /// a bad value then stops the host's start with the one-line message rather than its construction.
    /// </summary>
    public static MeterProviderBuilder AddOtlpPushExporter(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices(services =>
        {
            services.AddOptions<OtlpPushOptions>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OtlpPushOptions>, OtlpPushOptionsValidator>());
        });
        if (builder is not IDeferredMeterProviderBuilder deferredBuilder)
        {
            throw new NotSupportedException("This MeterProviderBuilder cannot defer configuration; pass OtlpPushOptions to AddOtlpPushExporter(options) instead.");
        }

        return deferredBuilder.Configure((services, deferred) =>
        {
            var options = services.GetRequiredService<IOptions<OtlpPushOptions>>().Value;
            if (options.Enabled)
            {
                deferred.AddReader(CreateReader(options));
            }
        });
    }

    private static PeriodicExportingMetricReader CreateReader(OtlpPushOptions options)
    {
        var exporterOptions = new OtlpExporterOptions
        {
            Endpoint = options.ResolveEndpoint(),
            Protocol = options.Protocol == OtlpPushOptions.HttpProtobufProtocol ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
        };
        return new PeriodicExportingMetricReader(new OtlpMetricExporter(exporterOptions), options.IntervalSeconds * 1000)
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
    }
}

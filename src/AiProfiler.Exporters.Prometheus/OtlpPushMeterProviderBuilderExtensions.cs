using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>Adds the optional OTLP push to a MeterProvider.</summary>
public static class OtlpPushMeterProviderBuilderExtensions
{
    /// <summary>The configuration section <see cref="OtlpPushOptions"/> are read from by convention.</summary>
    public const string DefaultSection = "Metrics:Otlp";

    /// <summary>
    /// Validates <paramref name="options"/> (throwing <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
    /// with a one-line message) and, when <see cref="OtlpPushOptions.Enabled"/>, adds OpenTelemetry's OTLP exporter
    /// on a periodic reader with cumulative temporality, so pushed series match the scraped ones.
    /// </summary>
    public static MeterProviderBuilder AddOtlpPushExporter(this MeterProviderBuilder builder, OtlpPushOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(options, DefaultSection);
        if (!options.Enabled)
        {
            return builder;
        }

        Uri endpoint = options.ResolveEndpoint();
        OtlpExportProtocol protocol = options.Protocol == OtlpPushOptions.HttpProtobufProtocol ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        int intervalMilliseconds = options.IntervalSeconds * 1000;
        return builder.AddOtlpExporter((exporterOptions, readerOptions) =>
        {
            exporterOptions.Endpoint = endpoint;
            exporterOptions.Protocol = protocol;
            readerOptions.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            readerOptions.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = intervalMilliseconds;
        });
    }

    /// <summary>Binds <see cref="OtlpPushOptions"/> from <paramref name="section"/> (e.g. <c>Metrics:Otlp</c>) and adds the push as above.</summary>
    public static MeterProviderBuilder AddOtlpPushExporter(this MeterProviderBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new OtlpPushOptions();
        section.Bind(options);
        return builder.AddOtlpPushExporter(options);
    }
}

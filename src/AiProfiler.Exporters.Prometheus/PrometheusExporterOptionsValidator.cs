using Microsoft.Extensions.Options;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>Validates <see cref="PrometheusExporterOptions"/> when the host resolves them.</summary>
internal sealed class PrometheusExporterOptionsValidator : IValidateOptions<PrometheusExporterOptions>
{
    /// <summary>The configuration section the options are named after in messages.</summary>
    public const string Section = "Metrics:Prometheus";

    public ValidateOptionsResult Validate(string? name, PrometheusExporterOptions options) =>
        OptionsValidation.Problems(options, Section) is { } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

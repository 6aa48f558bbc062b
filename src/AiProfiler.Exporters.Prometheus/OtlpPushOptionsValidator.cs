using Microsoft.Extensions.Options;

namespace AiProfiler.Exporters.Prometheus;

/// <summary>Validates <see cref="OtlpPushOptions"/> when the host resolves them.</summary>
internal sealed class OtlpPushOptionsValidator : IValidateOptions<OtlpPushOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpPushOptions options) =>
        OptionsValidation.Problems(options, OtlpPushMeterProviderBuilderExtensions.DefaultSection) is { } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;
}

using System.Globalization;

namespace AiProfiler.Telemetry.Hosting;

/// <summary>
/// Checks the sampler settings against the samplers actually registered, which include plugin samplers known only once
/// the service provider has built them; that is why this runs when the sampler host starts rather than as an options
/// validator.
/// </summary>
internal static class SamplerConfigurationValidator
{
    public static IReadOnlyList<string> Validate(TelemetryOptions options, IReadOnlyCollection<string> knownSamplers)
    {
        var errors = new List<string>(options.Problems);
        foreach (var (name, sampler) in options.Samplers)
        {
            var key = $"{TelemetryOptions.SectionName}:{name}";
            if (!knownSamplers.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                var known = string.Join(", ", knownSamplers.Order(StringComparer.Ordinal));
                errors.Add($"{key} is not a known sampler; known samplers: {known}.");
            }

            var seconds = sampler.IntervalSeconds;
            if (double.IsNaN(seconds) || seconds < SamplerOptions.MinIntervalSeconds || seconds > SamplerOptions.MaxIntervalSeconds)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{key}:{nameof(SamplerOptions.IntervalSeconds)} is {seconds}; it must be between {SamplerOptions.MinIntervalSeconds} and {SamplerOptions.MaxIntervalSeconds} seconds."));
            }
        }

        return errors;
    }
}

using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AiProfiler.Telemetry.Hosting;

/// <summary>
/// Reads the <c>Samplers</c> section by hand rather than with the configuration binder, because the section mixes two
/// root settings with one sub-section per sampler, and because a value that cannot be read must become a one-line
/// message naming its key instead of a binder exception.
/// </summary>
internal static class TelemetryOptionsReader
{
    public static void Read(IConfigurationSection section, TelemetryOptions options)
    {
        foreach (var child in section.GetChildren())
        {
            if (child.Key.Equals(nameof(TelemetryOptions.ProcRoot), StringComparison.OrdinalIgnoreCase))
            {
                options.ProcRoot = ReadRoot(child, "/proc", options.Problems) ?? options.ProcRoot;
            }
            else if (child.Key.Equals(nameof(TelemetryOptions.SysRoot), StringComparison.OrdinalIgnoreCase))
            {
                options.SysRoot = ReadRoot(child, "/sys", options.Problems) ?? options.SysRoot;
            }
            else
            {
                options.Samplers[child.Key] = ReadSampler(child, options.Problems);
            }
        }
    }

    private static string? ReadRoot(IConfigurationSection setting, string example, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(setting.Value))
        {
            problems.Add($"{setting.Path} is empty; set it to a directory such as {example}.");
            return null;
        }

        return setting.Value;
    }

    private static SamplerOptions ReadSampler(IConfigurationSection section, List<string> problems)
    {
        var options = new SamplerOptions();
        if (section.Value is not null)
        {
            problems.Add($"{section.Path} is a value; it must be a section with {nameof(SamplerOptions.Enabled)} and {nameof(SamplerOptions.IntervalSeconds)}.");
            return options;
        }

        foreach (var setting in section.GetChildren())
        {
            if (setting.Key.Equals(nameof(SamplerOptions.Enabled), StringComparison.OrdinalIgnoreCase))
            {
                if (bool.TryParse(setting.Value, out var enabled))
                {
                    options.Enabled = enabled;
                }
                else
                {
                    problems.Add($"{setting.Path} is '{setting.Value}'; use true or false.");
                }
            }
            else if (setting.Key.Equals(nameof(SamplerOptions.IntervalSeconds), StringComparison.OrdinalIgnoreCase))
            {
                if (double.TryParse(setting.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    options.IntervalSeconds = seconds;
                }
                else
                {
                    problems.Add($"{setting.Path} is '{setting.Value}'; use a number of seconds such as 1 or 0.5.");
                }
            }
            else
            {
                problems.Add($"{setting.Path} is not a sampler setting; use {nameof(SamplerOptions.Enabled)} or {nameof(SamplerOptions.IntervalSeconds)}.");
            }
        }

        return options;
    }
}

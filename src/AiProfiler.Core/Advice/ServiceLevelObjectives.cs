using System.Globalization;

namespace AiProfiler.Core.Advice;

/// <summary>The SLO presets (MLPerf Inference's LLM limits, p99) and the parser for <c>ttft=2s,tpot=100ms</c>.</summary>
public static class ServiceLevelObjectives
{
    /// <summary>MLPerf Inference server scenario: TTFT 2 s, TPOT 100 ms.</summary>
    public static ServiceLevelObjective MlperfServer { get; } = new("mlperf-server", 2.0, 0.100);

    /// <summary>MLPerf Inference interactive scenario: TTFT 500 ms, TPOT 30 ms.</summary>
    public static ServiceLevelObjective MlperfInteractive { get; } = new("mlperf-interactive", 0.5, 0.030);

    /// <summary>
    /// Parses a preset name or <c>ttft=DURATION,tpot=DURATION</c> (durations with a unit: <c>s</c>, <c>ms</c>,
    /// <c>us</c>); returns null and a one-line <paramref name="error"/> when it does not parse.
    /// </summary>
    public static ServiceLevelObjective? Parse(string text, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = "";
        var trimmed = text.Trim();
        if (trimmed == MlperfServer.Name)
        {
            return MlperfServer;
        }

        if (trimmed == MlperfInteractive.Name)
        {
            return MlperfInteractive;
        }

        double? ttft = null, tpot = null;
        foreach (var part in trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? part[..equals].Trim().ToLowerInvariant() : "";
            var seconds = equals > 0 ? ParseDuration(part[(equals + 1)..].Trim()) : null;
            if (key is not ("ttft" or "tpot") || seconds is not > 0)
            {
                error = $"--slo '{text}' does not parse at '{part}'; use mlperf-server, mlperf-interactive or ttft=2s,tpot=100ms";
                return null;
            }

            if (key == "ttft")
            {
                ttft = seconds;
            }
            else
            {
                tpot = seconds;
            }
        }

        if (ttft is null || tpot is null)
        {
            error = $"--slo '{text}' needs both ttft and tpot; e.g. ttft=2s,tpot=100ms";
            return null;
        }

        return new ServiceLevelObjective(trimmed, ttft.Value, tpot.Value);
    }

    private static double? ParseDuration(string text)
    {
        var (scale, digits) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (1e-3, text[..^2]),
            _ when text.EndsWith("us", StringComparison.OrdinalIgnoreCase) || text.EndsWith("µs", StringComparison.Ordinal) => (1e-6, text[..^2]),
            _ when text.EndsWith('s') => (1.0, text[..^1]),
            _ => (0.0, text),
        };
        return scale > 0 && double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value * scale
            : null;
    }
}

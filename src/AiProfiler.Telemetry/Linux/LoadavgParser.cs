using System.Globalization;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Parses /proc/loadavg (proc(5)): <c>0.52 0.58 0.59 2/1234 12345</c>.</summary>
internal static class LoadavgParser
{
    public static LoadAverage Parse(string text)
    {
        var fields = text.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length < 3)
        {
            throw new FormatException($"/proc/loadavg has {fields.Length} fields, expected at least 3: '{text.Trim()}'");
        }

        return new LoadAverage(ParseDouble(fields[0]), ParseDouble(fields[1]), ParseDouble(fields[2]));
    }

    private static double ParseDouble(string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"/proc/loadavg field '{field}' is not a number");
}

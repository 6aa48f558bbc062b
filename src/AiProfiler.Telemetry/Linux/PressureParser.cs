using System.Globalization;

namespace AiProfiler.Telemetry.Linux;

/// <summary>
/// Parses a pressure stall information file (/proc/pressure/cpu, memory, io, irq; kernel Documentation
/// accounting/psi.rst): <c>some avg10=0.00 avg60=0.00 avg300=0.00 total=12345</c>, total in microseconds.
/// </summary>
internal static class PressureParser
{
    public static IReadOnlyList<PressureStall> Parse(string text)
    {
        var result = new List<PressureStall>(2);
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var space = line.IndexOf(' ');
            if (space <= 0)
            {
                continue;
            }

            var kind = line[..space];
            var total = line.IndexOf("total=", StringComparison.Ordinal);
            if (total < 0)
            {
                continue;
            }

            var digits = line[(total + "total=".Length)..].Trim();
            if (ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds))
            {
                result.Add(new PressureStall(kind.ToString(), microseconds / 1e6));
            }
        }

        return result;
    }
}

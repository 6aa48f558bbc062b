using System.Globalization;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Parses the per-CPU lines of /proc/stat (proc(5)).</summary>
internal static class ProcStatParser
{
    /// <summary>
    /// The modes in column order. guest and guest_nice follow in the file but are left out: the kernel already counts
    /// them in user and nice, so summing every mode would count them twice.
    /// </summary>
    public static readonly string[] Modes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];

    /// <summary>
    /// USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture the agent runs on (sysconf(_SC_CLK_TCK) is
    /// fixed at 100 by the kernel ABI, independent of CONFIG_HZ).
    /// </summary>
    public const double TicksPerSecond = 100;

    /// <summary>Returns one entry per <c>cpuN</c> line; the aggregate <c>cpu</c> line is skipped (sum the per-CPU series).</summary>
    public static IReadOnlyList<CpuTimes> Parse(string text)
    {
        var result = new List<CpuTimes>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.Length < 4 || !line.StartsWith("cpu") || !char.IsAsciiDigit(line[3]))
            {
                continue;
            }

            var fields = line.Split(' ');
            string? cpu = null;
            var ticks = new ulong[Modes.Length];
            var column = -1;
            foreach (var range in fields)
            {
                var field = line[range];
                if (field.IsEmpty)
                {
                    continue;
                }

                if (column < 0)
                {
                    cpu = field[3..].ToString();
                }
                else if (column < ticks.Length && ulong.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    ticks[column] = value;
                }

                column++;
            }

            // Kernels before 2.6.11 stop after softirq; missing modes simply read 0.
            result.Add(new CpuTimes(cpu!, ticks));
        }

        return result;
    }
}

using System.Globalization;

namespace AiProfiler.Bench.Workloads;

/// <summary>Which benchmarks run, and name=value overrides of their sizes.</summary>
internal sealed class BenchOptions
{
    private readonly HashSet<string> _selected = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        foreach (var arg in args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                options._values[arg[..equals]] = arg[(equals + 1)..];
            }
            else
            {
                options._selected.Add(arg);
            }
        }

        return options;
    }

    /// <summary>Whether <paramref name="name"/> was asked for by name (commands that never run by default).</summary>
    public bool Only(string name) => _selected.Contains(name);

    public bool Runs(string name) => _selected.Count == 0 || _selected.Contains(name);

    public string Get(string name, string fallback) => _values.TryGetValue(name, out var value) ? value : fallback;

    public int GetInt32(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

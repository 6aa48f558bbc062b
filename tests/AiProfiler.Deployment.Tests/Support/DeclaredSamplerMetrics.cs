using System.Text.RegularExpressions;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>
/// The metric names the samplers in src/AiProfiler.Telemetry write, read from their source: a dashboard may query a
/// GPU or RAPL metric that this machine cannot produce, but not one that no sampler writes at all (a typo would
/// otherwise only show as an empty panel on a GPU machine). Names follow the project's convention: "aiprofiler_" +
/// instrument name + unit word, + "_total" on counters.
/// </summary>
internal static partial class DeclaredSamplerMetrics
{
    private static readonly Dictionary<string, string> UnitWords = new(StringComparer.Ordinal)
    {
        ["s"] = "seconds",
        ["By"] = "bytes",
        ["By/s"] = "bytes_per_second",
        ["W"] = "watts",
        ["J"] = "joules",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
    };

    private static readonly string[] Suffixes =
        ["", "_ratio", "_bytes", "_bytes_per_second", "_watts", "_joules_total", "_celsius", "_hertz", "_seconds_total", "_total"];

    public static string SourceDirectory => Repository.PathOf("src", "AiProfiler.Telemetry");

    /// <summary>True when a sampler writes <paramref name="exportedName"/>, exactly (from a writer call) or by a name in a table with a standard unit suffix.</summary>
    public static bool Declares(string exportedName)
    {
        var (exact, tableNames) = Scan();
        return exact.Contains(exportedName)
            || tableNames.Any(n => Suffixes.Any(s => exportedName == "aiprofiler_" + n + s));
    }

    private static (HashSet<string> Exact, HashSet<string> TableNames) Scan()
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var tableNames = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(SourceDirectory))
        {
            return (exact, tableNames);
        }

        foreach (var file in Directory.EnumerateFiles(SourceDirectory, "*.cs", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            foreach (Match call in WriterCall().Matches(text))
            {
                var name = call.Groups["name"].Value;
                var unit = call.Groups["unit"].Value;
                var counter = call.Groups["kind"].Value == "Counter";
                var word = unit == "1" ? (counter ? null : "ratio") : UnitWords.GetValueOrDefault(unit);
                var exported = "aiprofiler_" + name + (word is null || name.EndsWith("_" + word, StringComparison.Ordinal) ? "" : "_" + word);
                exact.Add(counter ? exported + "_total" : exported);
            }

            foreach (Match literal in NameLiteral().Matches(text))
            {
                tableNames.Add(literal.Groups["name"].Value);
            }
        }

        return (exact, tableNames);
    }

    [GeneratedRegex("""writer\.(?<kind>Gauge|Counter)\(\s*"(?<name>[a-z][a-z0-9_]*)",\s*(?:"(?<unit>[^"]*)"|string\.Empty)""")]
    private static partial Regex WriterCall();

    [GeneratedRegex(""""(?<name>(?:gpu|host|process|sampler)_[a-z0-9_]+)"""")]
    private static partial Regex NameLiteral();
}

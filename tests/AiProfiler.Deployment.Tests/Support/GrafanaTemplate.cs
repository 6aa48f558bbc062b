using System.Text.RegularExpressions;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>
/// What Grafana does to a Prometheus query before sending it: template variables (<c>$name</c>, <c>${name}</c>,
/// <c>${name:format}</c>, <c>[[name]]</c>) and the built-in intervals are replaced by values.
/// </summary>
internal static partial class GrafanaTemplate
{
    /// <summary>The built-in variables the dashboards may use, with the values a test substitutes.</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltIns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["__rate_interval"] = "30s",
        ["__interval"] = "5s",
        ["__interval_ms"] = "5000",
        ["__range"] = "5m",
        ["__range_s"] = "300",
        ["__range_ms"] = "300000",
    };

    /// <summary>Every variable name the text refers to.</summary>
    public static IEnumerable<string> References(string text) =>
        VariablePattern().Matches(text).Select(m => NameOf(m));

    /// <summary>Replaces every variable; a name missing from <paramref name="values"/> and <see cref="BuiltIns"/> throws.</summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> values) =>
        VariablePattern().Replace(text, m =>
        {
            var name = NameOf(m);
            return values.TryGetValue(name, out var value) || BuiltIns.TryGetValue(name, out value)
                ? value
                : throw new KeyNotFoundException($"'{m.Value}' in '{text}' is not a variable of the dashboard");
        });

    /// <summary><c>label_values(selector, label)</c> of a query variable, or null for another kind of variable query.</summary>
    public static (string Selector, string Label)? LabelValues(string query)
    {
        var match = LabelValuesPattern().Match(query.Trim());
        return match.Success ? (match.Groups["selector"].Value.Trim(), match.Groups["label"].Value) : null;
    }

    /// <summary>The metric selectors of AiProfiler series in a PromQL expression: the metric name and its matchers, if any.</summary>
    public static IEnumerable<(string Metric, string Matchers)> Selectors(string expression) =>
        SelectorPattern().Matches(expression).Select(m => (m.Groups["metric"].Value, m.Groups["matchers"].Value));

    private static string NameOf(Match m) =>
        m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bracketed"].Success ? m.Groups["bracketed"].Value : m.Groups["plain"].Value;

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|\[\[(?<bracketed>[A-Za-z_][A-Za-z0-9_]*)\]\]|\$(?<plain>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*\)$")]
    private static partial Regex LabelValuesPattern();

    [GeneratedRegex(@"\b(?<metric>aiprofiler_[a-z0-9_]+)\b(?<matchers>\{[^}]*\})?")]
    private static partial Regex SelectorPattern();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// The sweep syntax of <c>aiprofiler bench</c>, modelled on llama-bench: a value is a comma list whose items are single
/// values or integer ranges <c>first-last</c> (step 1), <c>first-last+step</c> or <c>first-last*factor</c>
/// (<c>batch=1-8*2</c> is 1,2,4,8); repeating a key adds its values (<c>-p batch=1 -p batch=8</c>). The combinations
/// are the cartesian product, the first key given outermost. A value that is not entirely an integer range, such as
/// <c>preset=llama-1b</c>, is taken as it is.
/// </summary>
internal static partial class ParameterSweep
{
    /// <summary>The most combinations one bench command runs: a typo in a range must not start a week of runs.</summary>
    public const int MaxCombinations = 4096;

    /// <summary>
    /// Expands <c>key=values</c> pairs into every combination, in order. Throws <see cref="FormatException"/> with one
    /// line naming the bad pair and the fix.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Expand(IEnumerable<string> pairs)
    {
        var axes = new List<(string Key, List<string> Values)>();
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || pair[..equals].Trim().Length == 0)
            {
                throw new FormatException($"--param '{pair}' is not key=value; e.g. --param m=1024 or a sweep --param batch=1,2,4");
            }

            var key = pair[..equals].Trim();
            var values = ExpandValues(key, pair[(equals + 1)..]);
            var axis = axes.FindIndex(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase));
            if (axis < 0)
            {
                axes.Add((key, values));
            }
            else
            {
                axes[axis].Values.AddRange(values);
            }
        }

        var total = axes.Aggregate(1L, (product, axis) => product * axis.Values.Count);
        if (total > MaxCombinations)
        {
            throw new FormatException($"the --param sweep has {total} combinations, more than {MaxCombinations}; sweep fewer values");
        }

        IEnumerable<Dictionary<string, string>> combinations = [new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)];
        foreach (var (key, values) in axes)
        {
            var previous = combinations;
            combinations = previous.SelectMany(c => values.Select(v => new Dictionary<string, string>(c, StringComparer.OrdinalIgnoreCase) { [key] = v }));
        }

        return [.. combinations];
    }

    /// <summary>The values of one key: a comma list of values and integer ranges. Throws <see cref="FormatException"/>.</summary>
    public static List<string> ExpandValues(string key, string text)
    {
        if (text.Length == 0)
        {
            // An explicitly empty value (an unset text parameter) is one value, not an empty list.
            return [""];
        }

        var values = new List<string>();
        foreach (var raw in text.Split(','))
        {
            var item = raw.Trim();
            if (item.Length == 0)
            {
                throw new FormatException($"--param {key}={text} has an empty item; separate values with single commas, e.g. {key}=1,8");
            }

            var range = RangePattern().Match(item);
            if (!range.Success)
            {
                values.Add(item);
                continue;
            }

            if (!long.TryParse(range.Groups["first"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !long.TryParse(range.Groups["last"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || !long.TryParse(range.Groups["by"].Success ? range.Groups["by"].Value : "1", NumberStyles.None, CultureInfo.InvariantCulture, out var by))
            {
                throw new FormatException($"--param {key}: range '{item}' has a number too large; use values below {long.MaxValue}");
            }

            var multiply = range.Groups["op"].Value == "*";
            if (last < first)
            {
                throw new FormatException($"--param {key}: range '{item}' ends before it starts; write first-last with first <= last, e.g. 1-8");
            }

            if (multiply ? by < 2 || first == 0 : by < 1)
            {
                throw new FormatException($"--param {key}: range '{item}' never advances; use a step of at least 1 (first-last+step) or a factor of at least 2 from a first value above 0 (first-last*factor)");
            }

            for (var value = first; value <= last; value = multiply ? value * by : value + by)
            {
                if (values.Count >= MaxCombinations)
                {
                    throw new FormatException($"--param {key}: range '{item}' has more than {MaxCombinations} values; sweep fewer values");
                }

                values.Add(value.ToString(CultureInfo.InvariantCulture));
                if (value > long.MaxValue / Math.Max(2, by))
                {
                    break;
                }
            }
        }

        return values;
    }

    [GeneratedRegex(@"^(?<first>\d+)-(?<last>\d+)(?:(?<op>[+*])(?<by>\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();
}

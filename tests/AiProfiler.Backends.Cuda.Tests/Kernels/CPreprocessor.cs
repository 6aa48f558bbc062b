using System.Text;
using System.Text.RegularExpressions;

namespace AiProfiler.Backends.Cuda.Tests.Kernels;

/// <summary>
/// Just enough of the C preprocessor to expand the dialect's macros textually: object-like and function-like
/// <c>#define</c>s, arguments split at top-level commas, the result rescanned, a macro never expanded inside itself.
/// </summary>
internal sealed partial class CPreprocessor
{
    private readonly Dictionary<string, (string[]? Parameters, string Body)> _macros = new(StringComparer.Ordinal);

    internal CPreprocessor(string definitions)
    {
        foreach (var line in definitions.Split('\n'))
        {
            var match = DefineLine().Match(line.Trim());
            if (match.Success)
            {
                var parameters = match.Groups["params"].Success
                    ? match.Groups["params"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    : null;
                _macros[match.Groups["name"].Value] = (parameters, match.Groups["body"].Value.Trim());
            }
        }
    }

    internal IReadOnlyCollection<string> Names => _macros.Keys;

    internal string Expand(string text) => Expand(text, []);

    private string Expand(string text, HashSet<string> active)
    {
        var output = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var identifier = Identifier().Match(text, i);
            if (!identifier.Success || identifier.Index != i)
            {
                output.Append(text[i++]);
                continue;
            }

            var name = identifier.Value;
            i += name.Length;
            if (active.Contains(name) || !_macros.TryGetValue(name, out var macro))
            {
                output.Append(name);
                continue;
            }

            var body = macro.Body;
            if (macro.Parameters is not null)
            {
                var open = i;
                while (open < text.Length && char.IsWhiteSpace(text[open]))
                {
                    open++;
                }

                if (open >= text.Length || text[open] != '(')
                {
                    output.Append(name);
                    continue;
                }

                var (arguments, end) = Arguments(text, open);
                i = end;
                for (var p = 0; p < macro.Parameters.Length; p++)
                {
                    var argument = Expand(p < arguments.Count ? arguments[p] : "", active);
                    body = Regex.Replace(body, $@"\b{Regex.Escape(macro.Parameters[p])}\b", argument.Replace("$", "$$", StringComparison.Ordinal));
                }
            }

            output.Append(Expand(body, [.. active, name]));
        }

        return output.ToString();
    }

    private static (List<string> Arguments, int End) Arguments(string text, int open)
    {
        var arguments = new List<string>();
        var depth = 0;
        var start = open + 1;
        for (var i = open; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')' when --depth == 0:
                    arguments.Add(text[start..i].Trim());
                    return (arguments, i + 1);
                case ',' when depth == 1:
                    arguments.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }

        throw new ArgumentException("unbalanced parentheses in a macro call");
    }

    [GeneratedRegex(@"^#define\s+(?<name>[A-Za-z_]\w*)(\((?<params>[^)]*)\))?(?<body>.*)$")]
    private static partial Regex DefineLine();

    [GeneratedRegex(@"[A-Za-z_]\w*")]
    private static partial Regex Identifier();
}

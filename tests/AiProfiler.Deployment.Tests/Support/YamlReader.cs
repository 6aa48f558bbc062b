using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>
/// Reads the block-style YAML that install/ and dashboards/provisioning/ are written in (Docker Compose, Kubernetes,
/// Grafana provisioning): mappings, sequences, plain and quoted scalars, one-line flow sequences, block scalars
/// (<c>|</c>, <c>&gt;</c>), comments and <c>---</c> between documents. Mappings become dictionaries, sequences lists,
/// scalars strings. Anything outside that subset, a tab in indentation, a duplicate key or a misindented line is an
/// error naming the line, so a malformed file fails the tests instead of being half read.
/// </summary>
internal static partial class YamlReader
{
    public static IReadOnlyList<object?> ReadDocuments(string text)
    {
        var documents = new List<object?>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = 0;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i == lines.Length || lines[i].TrimEnd() == "---")
            {
                var parser = new Parser(lines[start..i], start);
                if (parser.HasContent)
                {
                    documents.Add(parser.ParseDocument());
                }

                start = i + 1;
            }
        }

        return documents;
    }

    public static object? Read(string text) => ReadDocuments(text) switch
    {
        [var single] => single,
        var all => throw new FormatException($"expected one YAML document, found {all.Count}"),
    };

    public static object? ReadFile(string path)
    {
        try
        {
            return Read(File.ReadAllText(path));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Follows mapping keys (and list indices given as numbers) from <paramref name="node"/>; throws naming the missing step.</summary>
    public static object? At(object? node, params object[] path)
    {
        var current = node;
        var walked = "";
        foreach (var step in path)
        {
            current = (step, current) switch
            {
                (string key, Dictionary<string, object?> map) when map.TryGetValue(key, out var value) => value,
                (int index, List<object?> list) when index < list.Count => list[index],
                _ => throw new KeyNotFoundException($"'{step}' not found under '{walked}'"),
            };
            walked += "/" + step;
        }

        return current;
    }

    public static Dictionary<string, object?> Map(object? node) =>
        node as Dictionary<string, object?> ?? throw new InvalidCastException($"expected a mapping, found {Describe(node)}");

    public static List<object?> Seq(object? node) =>
        node as List<object?> ?? throw new InvalidCastException($"expected a sequence, found {Describe(node)}");

    public static string Str(object? node) =>
        node as string ?? throw new InvalidCastException($"expected a scalar, found {Describe(node)}");

    private static string Describe(object? node) => node switch
    {
        null => "nothing",
        string s => $"'{s}'",
        List<object?> => "a sequence",
        _ => "a mapping",
    };

    [GeneratedRegex("""^(?<key>"[^"]*"|'[^']*'|[^\s#'"\[\]{},:\-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+(?<rest>.*))?$""")]
    private static partial Regex KeyLine();

    private sealed class Parser
    {
        private readonly string[] _lines;
        private readonly int _firstLine;
        private int _index;

        public Parser(string[] lines, int firstLine)
        {
            _lines = lines;
            _firstLine = firstLine;
            foreach (var (line, i) in lines.Select((l, i) => (l, i)))
            {
                var indentation = line.Length - line.TrimStart(' ', '\t').Length;
                if (line[..indentation].Contains('\t', StringComparison.Ordinal))
                {
                    throw Error(i, "a tab in the indentation (YAML indents with spaces)");
                }
            }

            SkipInsignificant();
        }

        public bool HasContent => _index < _lines.Length;

        public object? ParseDocument()
        {
            var node = ParseNode(Indent(_index));
            SkipInsignificant();
            return _index < _lines.Length ? throw Error(_index, "unexpected indentation or content after the document's end") : node;
        }

        private object? ParseNode(int indent)
        {
            SkipInsignificant();
            if (_index >= _lines.Length)
            {
                return null;
            }

            var content = Content(_index);
            if (IsSequenceItem(content))
            {
                return ParseSequence(indent);
            }

            if (KeyLine().IsMatch(content))
            {
                return ParseMapping(indent);
            }

            var value = ParseInline(content, _index);
            _index++;
            return value;
        }

        private Dictionary<string, object?> ParseMapping(int indent)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                SkipInsignificant();
                if (_index >= _lines.Length || Indent(_index) < indent)
                {
                    return map;
                }

                var line = _index;
                if (Indent(line) > indent)
                {
                    throw Error(line, $"indented by {Indent(line)} where the mapping's keys are at {indent}");
                }

                var match = KeyLine().Match(Content(line));
                if (!match.Success)
                {
                    return IsSequenceItem(Content(line)) ? map : throw Error(line, "expected 'key: value'");
                }

                var key = Unquote(match.Groups["key"].Value.Trim(), line);
                if (map.ContainsKey(key))
                {
                    throw Error(line, $"duplicate key '{key}'");
                }

                var rest = StripComment(match.Groups["rest"].Value).Trim();
                _index++;
                if (rest.Length == 0)
                {
                    SkipInsignificant();
                    if (_index < _lines.Length && Indent(_index) > indent)
                    {
                        map[key] = ParseNode(Indent(_index));
                    }
                    else if (_index < _lines.Length && Indent(_index) == indent && IsSequenceItem(Content(_index)))
                    {
                        map[key] = ParseSequence(indent);
                    }
                    else
                    {
                        map[key] = null;
                    }
                }
                else if (rest[0] is '|' or '>')
                {
                    map[key] = ParseBlockScalar(rest, indent, line);
                }
                else
                {
                    map[key] = ParseInline(rest, line);
                }
            }
        }

        private List<object?> ParseSequence(int indent)
        {
            var list = new List<object?>();
            while (true)
            {
                SkipInsignificant();
                if (_index >= _lines.Length || Indent(_index) < indent)
                {
                    return list;
                }

                var line = _index;
                var content = Content(line);
                if (Indent(line) > indent)
                {
                    throw Error(line, $"indented by {Indent(line)} where the sequence's items are at {indent}");
                }

                if (!IsSequenceItem(content))
                {
                    return list;
                }

                var item = content.Length > 1 ? content[1..] : "";
                var itemText = item.TrimStart(' ');
                if (StripComment(itemText).Trim().Length == 0)
                {
                    _index++;
                    SkipInsignificant();
                    list.Add(_index < _lines.Length && Indent(_index) > indent ? ParseNode(Indent(_index)) : null);
                }
                else if (KeyLine().IsMatch(itemText) || IsSequenceItem(itemText))
                {
                    // "- key: value" opens a mapping whose keys line up with the first one, after "- ".
                    var column = indent + 1 + (item.Length - itemText.Length);
                    _lines[line] = new string(' ', column) + itemText;
                    list.Add(ParseNode(column));
                }
                else
                {
                    list.Add(ParseInline(StripComment(itemText).Trim(), line));
                    _index++;
                }
            }
        }

        private string ParseBlockScalar(string header, int parentIndent, int line)
        {
            if (header is not ("|" or "|-" or "|+" or ">" or ">-" or ">+"))
            {
                throw Error(line, $"unsupported block scalar header '{header}'");
            }

            var body = new List<string>();
            var blockIndent = -1;
            while (_index < _lines.Length)
            {
                var raw = _lines[_index];
                if (raw.Trim().Length == 0)
                {
                    body.Add("");
                    _index++;
                    continue;
                }

                var indent = raw.Length - raw.TrimStart(' ').Length;
                if (indent <= parentIndent)
                {
                    break;
                }

                blockIndent = blockIndent < 0 ? indent : blockIndent;
                if (indent < blockIndent)
                {
                    throw Error(_index, "block scalar line indented less than its first line");
                }

                body.Add(raw[blockIndent..]);
                _index++;
            }

            while (body.Count > 0 && body[^1].Length == 0)
            {
                body.RemoveAt(body.Count - 1);
            }

            var text = header[0] == '|' ? string.Join('\n', body) : string.Join(' ', body.Where(l => l.Length > 0));
            return header.EndsWith('-') ? text : text + "\n";
        }

        private object? ParseInline(string text, int line)
        {
            text = StripComment(text).Trim();
            if (text.StartsWith('['))
            {
                if (!text.EndsWith(']'))
                {
                    throw Error(line, "a flow sequence must close on the same line");
                }

                var inner = text[1..^1].Trim();
                return inner.Length == 0
                    ? new List<object?>()
                    : SplitFlow(inner, line).Select(item => (object?)Scalar(item.Trim(), line)).ToList();
            }

            if (text.StartsWith('{'))
            {
                return text == "{}" ? new Dictionary<string, object?>(StringComparer.Ordinal) : throw Error(line, "non-empty flow mappings are not supported");
            }

            return text is "~" or "null" ? null : Scalar(text, line);
        }

        private string Scalar(string text, int line)
        {
            if (text.Length > 0 && text[0] is '"' or '\'')
            {
                return Unquote(text, line);
            }

            if (text.Length > 0 && text[0] is '&' or '*' or '!' or '%' or '@' or '`')
            {
                throw Error(line, $"'{text}': anchors, aliases, tags and reserved indicators are not supported");
            }

            return text;
        }

        private string Unquote(string text, int line)
        {
            if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
            {
                return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
            }

            if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
            {
                var builder = new StringBuilder();
                for (var i = 1; i < text.Length - 1; i++)
                {
                    if (text[i] != '\\')
                    {
                        builder.Append(text[i]);
                        continue;
                    }

                    i++;
                    builder.Append(text[i] switch
                    {
                        'n' => '\n',
                        't' => '\t',
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        _ => throw Error(line, $"unsupported escape '\\{text[i]}'"),
                    });
                }

                return builder.ToString();
            }

            return text.Length > 0 && text[0] is '"' or '\'' ? throw Error(line, $"unterminated quoted scalar {text}") : text;
        }

        private List<string> SplitFlow(string text, int line)
        {
            var items = new List<string>();
            var start = 0;
            char quote = '\0';
            for (var i = 0; i < text.Length; i++)
            {
                if (quote != '\0')
                {
                    quote = text[i] == quote ? '\0' : quote;
                }
                else if (text[i] is '"' or '\'')
                {
                    quote = text[i];
                }
                else if (text[i] is '[' or '{')
                {
                    throw Error(line, "nested flow collections are not supported");
                }
                else if (text[i] == ',')
                {
                    items.Add(text[start..i]);
                    start = i + 1;
                }
            }

            items.Add(text[start..]);
            return items;
        }

        private static bool IsSequenceItem(string content) => content == "-" || content.StartsWith("- ", StringComparison.Ordinal);

        /// <summary>Removes a comment: '#' at the start or after a space, outside quotes.</summary>
        private static string StripComment(string text)
        {
            char quote = '\0';
            for (var i = 0; i < text.Length; i++)
            {
                if (quote != '\0')
                {
                    quote = text[i] == quote ? '\0' : quote;
                }
                else if (text[i] is '"' or '\'' && (i == 0 || text[i - 1] is ' ' or '[' or ','))
                {
                    quote = text[i];
                }
                else if (text[i] == '#' && (i == 0 || text[i - 1] == ' '))
                {
                    return text[..i];
                }
            }

            return text;
        }

        private void SkipInsignificant()
        {
            while (_index < _lines.Length && (_lines[_index].Trim().Length == 0 || _lines[_index].TrimStart().StartsWith('#')))
            {
                _index++;
            }
        }

        private int Indent(int line) => _lines[line].Length - _lines[line].TrimStart(' ').Length;

        private string Content(int line) => _lines[line].Trim();

        private FormatException Error(int line, string message) =>
            new(string.Create(CultureInfo.InvariantCulture, $"line {_firstLine + line + 1}: {message}"));
    }
}

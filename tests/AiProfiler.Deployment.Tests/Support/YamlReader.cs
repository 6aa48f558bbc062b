using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>
/// The YAML of install/ and dashboards/provisioning/ (Docker Compose, Kubernetes, Grafana provisioning) read with
/// YamlDotNet into plain trees: mappings become dictionaries with string keys, sequences lists, scalars strings. A
/// duplicate key or malformed text throws <see cref="FormatException"/> naming the file and the position, so a broken
/// file fails the tests instead of being half read.
/// </summary>
internal static class YamlReader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithDuplicateKeyChecking().Build();

    public static IReadOnlyList<object?> ReadDocuments(string text)
    {
        var documents = new List<object?>();
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            while (!parser.TryConsume<StreamEnd>(out _))
            {
                documents.Add(Plain(Deserializer.Deserialize(parser)));
            }
        }
        catch (YamlException ex)
        {
            throw new FormatException($"{ex.Start}: {ex.InnerException?.Message ?? ex.Message}", ex);
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

    /// <summary>YamlDotNet's untyped tree (object keys) as string-keyed dictionaries, lists and strings.</summary>
    private static object? Plain(object? node) => node switch
    {
        IDictionary<object, object?> map => map.ToDictionary(e => Str(e.Key), e => Plain(e.Value), StringComparer.Ordinal),
        IList<object?> list => list.Select(Plain).ToList(),
        _ => node,
    };

    private static string Describe(object? node) => node switch
    {
        null => "nothing",
        string s => $"'{s}'",
        List<object?> => "a sequence",
        _ => "a mapping",
    };
}

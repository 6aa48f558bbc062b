using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiProfiler.Core.Workers;

/// <summary>
/// JSON lines over the worker's standard input and output. Each protocol line starts with a marker, so a stray line a
/// plugin's native code prints to standard output is ignored instead of being read as a reply.
/// </summary>
internal static class WorkerProtocol
{
    public const string Marker = "@aiprofiler ";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write<T>(T message) => Marker + JsonSerializer.Serialize(message, Options);

    /// <summary>Parses a protocol line; null for any other line (a plugin's own output).</summary>
    public static T? Read<T>(string? line)
        where T : class
    {
        if (line is null || !line.StartsWith(Marker, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(line.AsSpan(Marker.Length), Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

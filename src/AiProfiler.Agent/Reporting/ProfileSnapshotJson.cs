using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiProfiler.Agent.Reporting;

/// <summary>The JSON form of a <see cref="ProfileSnapshot"/>: what <c>/api/summary</c> writes and <c>aiprofiler report</c> reads.</summary>
internal static class ProfileSnapshotJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A run without timed iterations has NaN statistics; JSON has no NaN, so it is written as the string "NaN".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}

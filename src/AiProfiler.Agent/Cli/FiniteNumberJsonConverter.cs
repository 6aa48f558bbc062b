using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// Writes a double that is not finite (a ridge point with unknown bandwidth is +∞, statistics of no samples are NaN) as
/// JSON <c>null</c>, so every number in the output is a JSON number that any parser reads.
/// </summary>
internal sealed class FiniteNumberJsonConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    public override bool HandleNull => true;
}

namespace AiProfiler.Telemetry;

/// <summary>Shorthand for one metric label.</summary>
internal static class Label
{
    public static KeyValuePair<string, string> Of(string name, string value) => new(name, value);
}

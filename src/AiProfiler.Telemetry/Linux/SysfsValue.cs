using System.Globalization;

namespace AiProfiler.Telemetry.Linux;

/// <summary>Reads the one-value files of sysfs (<c>12345\n</c>).</summary>
internal static class SysfsValue
{
    public static bool TryParse(string text, out ulong value) =>
        ulong.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    public static bool TryParseSigned(string text, out long value) =>
        long.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads and parses a file; false when it is missing, unreadable (permissions, a sensor returning EIO) or not a number.</summary>
    public static bool TryRead(string path, out ulong value)
    {
        value = 0;
        return TryReadText(path, out var text) && TryParse(text, out value);
    }

    public static bool TryReadText(string path, out string text)
    {
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            text = string.Empty;
            return false;
        }
    }
}

namespace AiProfiler.Telemetry.Tests.Support;

/// <summary>Paths of the /proc and /sys fixture trees copied beside the test assembly.</summary>
internal static class Fixtures
{
    public static string ProcRoot => Path.Combine(AppContext.BaseDirectory, "Fixtures", "proc");

    public static string SysRoot => Path.Combine(AppContext.BaseDirectory, "Fixtures", "sys");
}

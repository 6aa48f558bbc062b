namespace AiProfiler.Testing;

/// <summary>Paths in the repository the tests run from.</summary>
public static class Repository
{
    /// <summary>The folder holding AiProfiler.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The bundled plugins' folder.</summary>
    public static string Plugins => Path.Combine(Root, "plugins");

    /// <summary>The Grafana dashboards' folder.</summary>
    public static string Dashboards => Path.Combine(Root, "dashboards");

    /// <summary>The install files' folder.</summary>
    public static string Install => Path.Combine(Root, "install");

    /// <summary>The agent built into the test project's output (test projects that reference the agent).</summary>
    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "aiprofiler.dll");

    /// <summary>The dashboards' JSON files, in name order.</summary>
    public static IReadOnlyList<string> DashboardFiles =>
        Directory.GetFiles(Dashboards, "*.json").Order(StringComparer.Ordinal).ToArray();

    /// <summary>A path under the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AiProfiler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AiProfiler.sln not found above " + AppContext.BaseDirectory);
    }
}

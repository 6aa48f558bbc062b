namespace AiProfiler.Deployment.Tests.Support;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Plugins => Path.Combine(Root, "plugins");

    public static string Dashboards => Path.Combine(Root, "dashboards");

    public static string Install => Path.Combine(Root, "install");

    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "aiprofiler.dll");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static IReadOnlyList<string> DashboardFiles =>
        Directory.GetFiles(Dashboards, "*.json").Order(StringComparer.Ordinal).ToArray();

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

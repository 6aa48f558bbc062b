using AiProfiler.Core.Workers;

namespace AiProfiler.Agent.Hosting;

/// <summary>Finds how to start this agent's own executable as a worker: the apphost beside it, else <c>dotnet aiprofiler.dll</c>.</summary>
internal static class WorkerLaunchResolver
{
    public static WorkerLaunch ForThisAgent()
    {
        var assembly = typeof(WorkerLaunchResolver).Assembly.Location;
        var folder = Path.GetDirectoryName(assembly)!;
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "aiprofiler.exe" : "aiprofiler");
        if (File.Exists(apphost))
        {
            return new WorkerLaunch(apphost, ["worker"]);
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return new WorkerLaunch(dotnet, [assembly, "worker"]);
    }
}

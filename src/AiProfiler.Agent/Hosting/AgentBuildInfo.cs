using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.InteropServices;
using AiProfiler.Core.Metrics;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// <c>aiprofiler_build_info{version,revision,dotnet,os,arch} 1</c>: which build runs where, for dashboards to join on
/// and to spot a fleet running mixed versions.
/// </summary>
internal sealed class AgentBuildInfo : IHostedService, IDisposable
{
    private static readonly string InformationalVersion =
        typeof(AgentBuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly Meter _meter = new(ProfilerMetrics.MeterName);

    /// <summary>The agent's version without the source revision (<c>0.1.0</c>).</summary>
    public static string Version => InformationalVersion.Split('+')[0];

    /// <summary>The source revision the build was made from, when the SDK stamped one.</summary>
    public static string Revision => InformationalVersion.Contains('+', StringComparison.Ordinal) ? InformationalVersion.Split('+')[1] : "";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var tags = new KeyValuePair<string, object?>[]
        {
            new("version", Version),
            new("revision", Revision),
            new("dotnet", Environment.Version.ToString()),
            new("os", OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsLinux() ? "linux" : RuntimeInformation.OSDescription),
            new("arch", RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()),
        };
        _meter.CreateObservableGauge("aiprofiler_build_info", () => new Measurement<long>(1, tags), null, "The agent's build; the value is 1.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _meter.Dispose();
}

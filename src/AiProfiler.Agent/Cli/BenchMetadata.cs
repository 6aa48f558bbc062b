using System.Reflection;
using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// What llama-bench writes beside each result so that figures from different machines and builds can be told apart:
/// the host (name, OS, CPU model, logical cores), the build (version and commit), the runtime, and when the bench ran.
/// </summary>
internal sealed record BenchMetadata(string Host, string Os, string CpuModel, int LogicalCores, string Version, string Commit, string Runtime, DateTimeOffset Timestamp)
{
    public static BenchMetadata Collect(IEnumerable<DeviceInfo> devices, DateTimeOffset now)
    {
        var informational = typeof(BenchMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        var cpu = devices.FirstOrDefault(d => d.Kind == DeviceKind.Cpu)?.Name ?? RuntimeInformation.ProcessArchitecture.ToString();
        return new BenchMetadata(Environment.MachineName, RuntimeInformation.OSDescription, cpu, Environment.ProcessorCount,
            version.Length > 0 ? version : "unknown", commit, RuntimeInformation.FrameworkDescription, now);
    }
}

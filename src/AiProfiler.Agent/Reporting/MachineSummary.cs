namespace AiProfiler.Agent.Reporting;

/// <summary>The host a snapshot was taken on.</summary>
/// <param name="Host">The machine name.</param>
/// <param name="OperatingSystem">The OS description.</param>
/// <param name="Cpu">The CPU model.</param>
/// <param name="LogicalCores">Logical cores the agent can use.</param>
/// <param name="MemoryBytes">Host memory.</param>
/// <param name="AgentVersion">The agent's version.</param>
internal sealed record MachineSummary(string Host, string OperatingSystem, string Cpu, int LogicalCores, long MemoryBytes, string AgentVersion);

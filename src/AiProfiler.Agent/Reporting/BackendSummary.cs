namespace AiProfiler.Agent.Reporting;

/// <summary>A backend that is not usable here.</summary>
/// <param name="Backend">cpu, opencl or cuda.</param>
/// <param name="Reason">Why, as the backend reported it.</param>
internal sealed record BackendSummary(string Backend, string Reason);

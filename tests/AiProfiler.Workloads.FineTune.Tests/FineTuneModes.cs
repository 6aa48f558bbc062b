namespace AiProfiler.Workloads.FineTune.Tests;

/// <summary>Reads a mode parameter value the way the workload does.</summary>
internal static class FineTuneModes
{
    public static FineTuneMode Parse(string mode) => mode == "lora" ? FineTuneMode.Lora : FineTuneMode.Full;
}

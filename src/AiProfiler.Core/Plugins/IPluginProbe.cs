namespace AiProfiler.Core.Plugins;

/// <summary>
/// Loads a plugin folder somewhere it cannot harm the agent (a worker process) before the agent loads it itself, so a
/// constructor that blocks, exits, fails fast or overflows the stack only ends the probe.
/// </summary>
public interface IPluginProbe
{
    /// <summary>Null when the folder loaded cleanly in isolation; else one line saying what went wrong.</summary>
    Task<string?> ProbeAsync(string folder);
}

namespace AiProfiler.Core.Plugins;

/// <summary>Whether a plugin folder is in use.</summary>
public enum PluginStatus
{
    /// <summary>Loaded; its workloads and samplers are available.</summary>
    Loaded,

    /// <summary>Skipped; <see cref="PluginRecord.Error"/> says why.</summary>
    Skipped,
}

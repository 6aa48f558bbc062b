using System.ComponentModel.DataAnnotations;

namespace AiProfiler.Core.Plugins;

/// <summary>Where plugins live and whether changes are picked up while the agent runs (configuration section <c>Plugins</c>).</summary>
public sealed class PluginCatalogOptions
{
    /// <summary>The plugins folder, a folder of plugin folders; a relative path resolves against the agent's own folder.</summary>
    [Required]
    public string Directory { get; set; } = "plugins";

    /// <summary>Reload a plugin folder when its files change.</summary>
    public bool HotReload { get; set; } = true;

    /// <summary>Quiet time after the last change before a folder is reloaded, so a copy in progress is not loaded half-way.</summary>
    [Range(50, 60_000)]
    public int DebounceMilliseconds { get; set; } = 750;

    /// <summary>
    /// Resolves <see cref="Directory"/> to a full path: a relative one against the agent's own folder, never the working
    /// directory, so the agent finds the same plugins whether a shell, systemd or the Windows service manager starts it.
    /// </summary>
    public string ResolveDirectory() => Path.GetFullPath(Directory, AppContext.BaseDirectory);
}

using System.ComponentModel.DataAnnotations;

namespace AiProfiler.Core.Plugins;

/// <summary>Where plugins live and whether changes are picked up while the agent runs (configuration section <c>Plugins</c>).</summary>
public sealed class PluginCatalogOptions
{
    /// <summary>The plugins folder; relative paths resolve against the working directory, then the agent's own folder.</summary>
    [Required]
    public string Directory { get; set; } = "plugins";

    /// <summary>Reload a plugin folder when its files change.</summary>
    public bool HotReload { get; set; } = true;

    /// <summary>Quiet time after the last change before a folder is reloaded, so a copy in progress is not loaded half-way.</summary>
    [Range(50, 60_000)]
    public int DebounceMilliseconds { get; set; } = 750;

    /// <summary>Resolves <see cref="Directory"/> to a full path.</summary>
    public string ResolveDirectory()
    {
        if (Path.IsPathRooted(Directory))
        {
            return Directory;
        }

        var fromWorkingDirectory = Path.GetFullPath(Directory);
        if (System.IO.Directory.Exists(fromWorkingDirectory))
        {
            return fromWorkingDirectory;
        }

        var fromAgent = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, Directory));
        return System.IO.Directory.Exists(fromAgent) ? fromAgent : fromWorkingDirectory;
    }
}

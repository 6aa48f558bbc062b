namespace AiProfiler.Core.Plugins;

// Hot reload: a watcher on the plugins directory; events for a folder or its top-level files are debounced per folder
// (an upgrade copies many files) and then reload that one folder.
public sealed partial class PluginCatalog
{
    private void StartWatching()
    {
        _watcher = new FileSystemWatcher(Directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += OnFileEvent;
        _watcher.Created += OnFileEvent;
        _watcher.Deleted += OnFileEvent;
        _watcher.Renamed += OnFileEvent;
        _watcher.EnableRaisingEvents = true;
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        var relative = Path.GetRelativePath(Directory, e.FullPath);
        var parts = relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);

        // Only the folder itself and its top-level files matter; build byproducts (obj/) do not.
        if (parts.Length is 0 or > 2 || parts[0] == "..")
        {
            return;
        }

        var name = parts[0];
        lock (_gate)
        {
            if (_pending.Remove(name, out var existing))
            {
                existing.Dispose();
            }

            _pending[name] = _time.CreateTimer(_ => OnDebounced(name), null, TimeSpan.FromMilliseconds(_options.DebounceMilliseconds), Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDebounced(string name)
    {
        lock (_gate)
        {
            if (_pending.Remove(name, out var timer))
            {
                timer.Dispose();
            }
        }

        LogReloading(name);
        Reload(name);
    }
}

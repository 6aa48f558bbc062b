using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Workers;

/// <summary>
/// Counts each plugin's worker deaths in a row. After <see cref="WorkerOptions.QuarantineAfterDeaths"/> the plugin is
/// quarantined for <see cref="WorkerOptions.QuarantineSeconds"/>; when that ends its next run is a trial: a run that
/// ends without the worker dying lifts the quarantine, another death doubles it (up to an hour). Replacing the plugin's
/// folder (hot reload) or restarting the agent lifts it at once.
/// </summary>
public sealed class PluginQuarantine
{
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromHours(1);
    private readonly WorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates the quarantine with the thresholds of <paramref name="options"/>.</summary>
    public PluginQuarantine(IOptions<WorkerOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Every plugin quarantined now, with the time it is retried and why.</summary>
    public IReadOnlyList<QuarantinedPlugin> Quarantined
    {
        get
        {
            var now = _time.GetUtcNow();
            lock (_gate)
            {
                return [.. _states.Where(s => s.Value.Until > now)
                    .Select(s => new QuarantinedPlugin(s.Key, s.Value.Until, s.Value.Deaths, s.Value.LastCause))
                    .OrderBy(q => q.Plugin, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The quarantine <paramref name="plugin"/> is in now, or null.</summary>
    public QuarantinedPlugin? Find(string plugin) => Quarantined.FirstOrDefault(q => q.Plugin == plugin);

    /// <summary>Counts a worker death; returns the quarantine when this death started (or extended) one, else null.</summary>
    public QuarantinedPlugin? RecordDeath(string plugin, string cause)
    {
        lock (_gate)
        {
            var state = _states.TryGetValue(plugin, out var s) ? s : new State();
            state.Deaths++;
            state.LastCause = cause;
            if (state.Deaths >= _options.QuarantineAfterDeaths)
            {
                state.Backoff = state.Backoff == TimeSpan.Zero
                    ? TimeSpan.FromSeconds(_options.QuarantineSeconds)
                    : TimeSpan.FromTicks(Math.Min(state.Backoff.Ticks * 2, LongestBackoff.Ticks));
                state.Until = _time.GetUtcNow() + state.Backoff;
            }

            _states[plugin] = state;
            return state.Until > _time.GetUtcNow() ? new QuarantinedPlugin(plugin, state.Until, state.Deaths, cause) : null;
        }
    }

    /// <summary>
    /// A run ended without the worker dying, or the plugin's folder was replaced: the count starts again and any
    /// quarantine is lifted; returns true when there was one.
    /// </summary>
    public bool Lift(string plugin)
    {
        lock (_gate)
        {
            return _states.Remove(plugin, out var state) && state.Backoff > TimeSpan.Zero;
        }
    }

    private sealed class State
    {
        public int Deaths { get; set; }

        public string LastCause { get; set; } = "";

        public TimeSpan Backoff { get; set; }

        public DateTimeOffset Until { get; set; }
    }
}

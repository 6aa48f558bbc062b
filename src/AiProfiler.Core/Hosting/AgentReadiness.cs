namespace AiProfiler.Core.Hosting;

/// <summary>
/// Tracks start-up: the agent is ready (for <c>/readyz</c>) once every registered component has reported in,
/// by default the plugin catalog and the samplers.
/// </summary>
public sealed class AgentReadiness
{
    private readonly HashSet<string> _pending;
    private readonly Lock _gate = new();

    /// <summary>Creates readiness waiting for <paramref name="components"/>.</summary>
    public AgentReadiness(params string[] components) => _pending = new HashSet<string>(components, StringComparer.Ordinal);

    /// <summary>True once every component has reported ready.</summary>
    public bool IsReady
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count == 0;
            }
        }
    }

    /// <summary>The components not ready yet.</summary>
    public IReadOnlyList<string> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _pending.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Marks <paramref name="component"/> ready.</summary>
    public void MarkReady(string component)
    {
        lock (_gate)
        {
            _pending.Remove(component);
        }
    }
}

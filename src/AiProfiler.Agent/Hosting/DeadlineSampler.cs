using System.Globalization;
using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// A plugin's sampler run on a thread of its own with a deadline, so a <c>Collect()</c> that hangs cannot freeze the
/// other samplers: a collection that misses the deadline fails (<c>sampler_success 0</c>, the reason in the log), and
/// while it is still stuck each later collection fails at once instead of starting another thread.
/// </summary>
internal sealed class DeadlineSampler : ISampler
{
    private readonly ISampler _inner;
    private readonly TimeSpan _deadline;
    private Task? _pending;

    public DeadlineSampler(ISampler inner, string name, TimeSpan deadline)
    {
        _inner = inner;
        Name = name;
        _deadline = deadline;
    }

    public string Name { get; }

    public string? Start() => Within(() => _inner.Start(), "Start");

    public void Collect(IMetricWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var buffer = new BufferingWriter();
        Within(() =>
        {
            _inner.Collect(buffer);
            return 0;
        }, "Collect");
        buffer.ReplayTo(writer);
    }

    public void Dispose() => Within(() =>
    {
        _inner.Dispose();
        return 0;
    }, "Dispose");

    private T Within<T>(Func<T> call, string what)
    {
        if (_pending is { IsCompleted: false })
        {
            throw new TimeoutException($"plugin sampler '{Name}' is still blocked in an earlier call; skipped until it returns");
        }

        var task = Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _pending = task;
        if (!task.Wait(_deadline))
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"plugin sampler '{Name}' missed its deadline: {what}() did not return within {_deadline.TotalSeconds:0.#} s"));
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Keeps what the plugin wrote on its own thread until the collection has finished in time.</summary>
    private sealed class BufferingWriter : IMetricWriter
    {
        private readonly List<Action<IMetricWriter>> _writes = [];

        public void Gauge(string name, string unit, string description, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels)
        {
            var copy = labels.ToArray();
            _writes.Add(w => w.Gauge(name, unit, description, value, copy));
        }

        public void Counter(string name, string unit, string description, double value, params ReadOnlySpan<KeyValuePair<string, string>> labels)
        {
            var copy = labels.ToArray();
            _writes.Add(w => w.Counter(name, unit, description, value, copy));
        }

        public void ReplayTo(IMetricWriter writer)
        {
            foreach (var write in _writes)
            {
                write(writer);
            }
        }
    }
}

using System.Globalization;
using AiProfiler.Abstractions.Sampling;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// A plugin's sampler whose <c>Start()</c> and <c>Dispose()</c> run on a thread of its own with a deadline, so one that
/// hangs cannot freeze the agent's start or shutdown; while such a call is still stuck, later calls fail at once instead
/// of starting another thread. <c>Collect()</c> gets its deadline from the sampler host, as every sampler does.
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

    /// <remarks>
    /// Passed straight through: the sampler host already runs every Collect on a thread of its own with a deadline
    /// (<c>sampler X hung</c>), and a second, equal deadline here would race it for the log line.
    /// </remarks>
    public void Collect(IMetricWriter writer) => _inner.Collect(writer);

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
}

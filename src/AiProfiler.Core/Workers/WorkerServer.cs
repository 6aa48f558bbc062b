using System.Threading.Channels;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Running;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Workers;

/// <summary>
/// The worker's side of the protocol (<c>aiprofiler worker</c>): reads requests from the agent, loads each plugin folder
/// once into its own context, runs one workload at a time and writes progress and the result. End of input or a
/// <c>stop</c> request cancels the run in flight; the worker returns only after the run's thread has left the workload,
/// so no native kernel is still running while the process exits.
/// </summary>
public sealed class WorkerServer : IDisposable
{
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly Func<string, DeviceInfo?, IDevice> _openDevice;
    private readonly Dictionary<string, PluginCatalog> _plugins = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _write = new();

    /// <summary>Serves requests read from <paramref name="input"/>, replying on <paramref name="output"/>, opening devices with <paramref name="openDevice"/>.</summary>
    public WorkerServer(TextReader input, TextWriter output, Func<string, DeviceInfo?, IDevice> openDevice)
    {
        _input = input;
        _output = output;
        _openDevice = openDevice;
    }

    /// <summary>Cancels the run in flight and ends <see cref="Serve"/> (SIGINT, SIGTERM, or the agent going away).</summary>
    public void Stop() => _stop.Cancel();

    /// <summary>Serves requests until stopped; returns the exit code (0).</summary>
    public int Serve()
    {
        var requests = Channel.CreateUnbounded<WorkerRequest>();
        var reader = new Thread(() => ReadRequests(requests.Writer)) { IsBackground = true, Name = "worker-input" };
        reader.Start();
        Send(new WorkerReply { Kind = WorkerReply.Ready });
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var request = requests.Reader.ReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult();
                var reply = request.Kind == WorkerRequest.Inspect ? Inspect(request) : Run(request);
                Send(reply);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: the run in flight has returned.
        }
        catch (ChannelClosedException)
        {
            // The agent closed our input.
        }

        return 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var catalog in _plugins.Values)
        {
            catalog.Dispose();
        }

        _stop.Dispose();
    }

    private void ReadRequests(ChannelWriter<WorkerRequest> writer)
    {
        while (_input.ReadLine() is { } line)
        {
            if (WorkerProtocol.Read<WorkerRequest>(line) is not { } request)
            {
                continue;
            }

            if (request.Kind == WorkerRequest.Stop)
            {
                break;
            }

            writer.TryWrite(request);
        }

        writer.TryComplete();
        _stop.Cancel();
    }

    private WorkerReply Inspect(WorkerRequest request)
    {
        var record = Load(request.PluginFolder);
        return new WorkerReply
        {
            Kind = WorkerReply.Inspected,
            Error = record.Status == PluginStatus.Loaded ? null : record.Error,
            Workloads = [.. record.Workloads.Select(w => new WorkloadDescription(w.Name, [.. w.Parameters.Select(p => p.Name)]))],
        };
    }

    private WorkerReply Run(WorkerRequest request)
    {
        var catalog = Catalog(request.PluginFolder);
        var workload = catalog.FindWorkload(request.Workload);
        WorkerRunResult Fail(string error) => new()
        {
            Workload = request.Workload,
            Parameters = string.Join(',', request.Parameters.Select(p => $"{p.Key}={p.Value}")),
            Outcome = RunOutcome.Failed,
            StartedAt = DateTimeOffset.UtcNow,
            Error = error,
        };

        if (workload is null)
        {
            var record = catalog.Plugins.Count > 0 ? catalog.Plugins[0] : null;
            return Reply(Fail(record?.Error ?? $"the plugin in {request.PluginFolder} no longer offers workload '{request.Workload}'"));
        }

        ParameterSet parameters;
        IDevice device;
        try
        {
            parameters = ParameterSet.Create(workload.Name, workload.Parameters, request.Parameters);
            device = _openDevice(request.Device, request.DeviceInfo);
        }
        catch (ParameterException ex)
        {
            return Reply(Fail(ex.Message));
        }
        catch (ArgumentException ex)
        {
            return Reply(Fail(ex.Message));
        }

        var options = new RunOptions
        {
            Iterations = request.Iterations,
            WarmupIterations = request.WarmupIterations,
            TimeBudget = TimeSpan.FromSeconds(request.TimeBudgetSeconds),
            Timeout = TimeSpan.FromSeconds(request.TimeoutSeconds),
            Verify = request.Verify,
            Threads = request.Threads,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(options.Timeout);
        var progress = new SynchronousProgress(p => Send(new WorkerReply { Kind = WorkerReply.Progress, Phase = p.Phase, Completed = p.Completed, Total = p.Total, Note = p.Note }));
        var result = new Runner().Run(workload, device, parameters, options, progress, timeout.Token, _stop.Token);
        return Reply(WorkerRunResult.From(result));
    }

    private static WorkerReply Reply(WorkerRunResult result) => new() { Kind = WorkerReply.Finished, Result = result };

    private PluginCatalog Catalog(string folder)
    {
        Load(folder);
        return _plugins[folder];
    }

    private PluginRecord Load(string folder)
    {
        if (!_plugins.TryGetValue(folder, out var catalog))
        {
            var options = new PluginCatalogOptions { Directory = Path.GetDirectoryName(Path.GetFullPath(folder))!, HotReload = false };
            catalog = new PluginCatalog(Options.Create(options), NullLogger<PluginCatalog>.Instance);
            catalog.Reload(Path.GetFileName(Path.GetFullPath(folder)));
            _plugins[folder] = catalog;
        }

        return catalog.Plugins.Count > 0 ? catalog.Plugins[0] : new PluginRecord { Name = Path.GetFileName(folder), Folder = folder, Status = PluginStatus.Skipped, Error = $"{folder} does not exist" };
    }

    private void Send(WorkerReply reply)
    {
        var line = WorkerProtocol.Write(reply);
        lock (_write)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    /// <summary>Reports on the run's own thread, so progress lines are written in order.</summary>
    private sealed class SynchronousProgress(Action<RunProgress> report) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => report(value);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using AiProfiler.Shared;

namespace AiProfiler.Core.Workers;

/// <summary>
/// One running <c>aiprofiler worker</c>: writes requests to its standard input, reads replies from its standard
/// output, keeps the last lines of its standard error, and kills it when a request times out, the caller gives up,
/// or it is disposed (after asking it to stop).
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int StderrLines = 20;
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(2);
    private readonly Process _process;
    private readonly Channel<WorkerReply> _replies = Channel.CreateUnbounded<WorkerReply>();
    private readonly Queue<string> _stderr = new();

    /// <summary>The first lines since the last request: the runtime names a crash there, before a long stack trace.</summary>
    private readonly List<string> _stderrHead = [];
    private readonly TimeSpan _stopGrace;
    private readonly long? _oomKillsAtStart;
    private bool _killedByUs;

    private WorkerProcess(Process process, TimeSpan stopGrace)
    {
        _process = process;
        _stopGrace = stopGrace;
        _oomKillsAtStart = HostMemoryReader.System.OomKills();
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginErrorReadLine();
        // The stream is taken here, not on the thread: a worker disposed at once (a probe that timed out) must not make
        // the thread touch a disposed Process, which would throw on a thread of the agent's and end it.
        var output = _process.StandardOutput;
        var reader = new Thread(() => ReadReplies(output)) { IsBackground = true, Name = "worker-replies" };
        reader.Start();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> StderrTail
    {
        get
        {
            lock (_stderr)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Starts a worker limited to <paramref name="heapLimitBytes"/> of .NET heap (0: unlimited) and first in line for the OOM killer.</summary>
    public static WorkerProcess Start(WorkerLaunch launch, long heapLimitBytes, TimeSpan stopGrace)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var info = new ProcessStartInfo(launch.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in launch.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (heapLimitBytes > 0)
        {
            info.Environment["DOTNET_GCHeapHardLimit"] = heapLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        }

        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {launch.FileName}");
        PreferForOomKiller(process.Id);
        return new WorkerProcess(process, stopGrace);
    }

    /// <summary>
    /// Waits until the worker has started and said so; false if it died or took longer than <paramref name="timeout"/>
    /// (a busy host can take seconds to start a process, which must not count against a request's own timeout).
    /// </summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await _replies.Reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false))
            {
                if (_replies.Reader.TryRead(out var reply) && reply.Kind == WorkerReply.Ready)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Too slow to start.
        }

        return false;
    }

    /// <summary>Sends <paramref name="request"/> and waits for its reply, passing progress replies on as they come.</summary>
    public async Task<WorkerExchange> RequestAsync(WorkerRequest request, Action<WorkerReply>? onProgress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_stderr)
        {
            _stderrHead.Clear();
        }

        try
        {
            await _process.StandardInput.WriteLineAsync(WorkerProtocol.Write(request).AsMemory(), cancellationToken).ConfigureAwait(false);
            await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return await DeathAsync().ConfigureAwait(false);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (await _replies.Reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false))
            {
                while (_replies.Reader.TryRead(out var reply))
                {
                    if (reply.Kind == WorkerReply.Progress)
                    {
                        onProgress?.Invoke(reply);
                    }
                    else if (reply.Kind != WorkerReply.Ready)
                    {
                        return new WorkerExchange(reply, null, false, StderrTail);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            return new WorkerExchange(null, null, true, StderrTail);
        }

        return await DeathAsync().ConfigureAwait(false);
    }

    /// <summary>Asks the worker to stop (it cancels its run), waits the grace period, then kills it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync(WorkerProtocol.Write(new WorkerRequest { Kind = WorkerRequest.Stop })).ConfigureAwait(false);
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }

            using var grace = new CancellationTokenSource(_stopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill();
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(KillGrace).ConfigureAwait(false);
            }
        }

        _process.Dispose();
    }

    private async Task<WorkerExchange> DeathAsync()
    {
        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(KillGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // It closed its output but lives on: it is of no use any more.
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var oom = HostMemoryReader.System.OomKills() is { } now && _oomKillsAtStart is { } before && now > before;
        IReadOnlyList<string> head;
        lock (_stderr)
        {
            head = [.. _stderrHead];
        }

        var cause = _killedByUs ? "worker killed" : WorkerExitCause.Describe(_process.ExitCode, [.. head, .. StderrTail], oom);
        return new WorkerExchange(null, cause, false, StderrTail);
    }

    private void Kill()
    {
        _killedByUs = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private void ReadReplies(StreamReader output)
    {
        try
        {
            while (output.ReadLine() is { } line)
            {
                if (WorkerProtocol.Read<WorkerReply>(line) is { } reply)
                {
                    _replies.Writer.TryWrite(reply);
                }
                else
                {
                    Remember(line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe broke or was closed by Dispose: the worker is gone.
        }

        _replies.Writer.TryComplete();
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            if (_stderrHead.Count < StderrLines)
            {
                _stderrHead.Add(line);
            }

            _stderr.Enqueue(line);
            while (_stderr.Count > StderrLines)
            {
                _stderr.Dequeue();
            }
        }
    }

    /// <summary>
    /// Raises the worker's <c>oom_score_adj</c>, so that if the host runs out of memory the kernel ends the worker that
    /// allocated it rather than the agent (raising a child's score needs no privilege).
    /// </summary>
    private static void PreferForOomKiller(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            File.WriteAllText($"/proc/{pid}/oom_score_adj", "1000");
        }
        catch (IOException)
        {
            // The worker exited already, or /proc is read-only here.
        }
        catch (UnauthorizedAccessException)
        {
            // Not allowed here; the heap limit still applies.
        }
    }
}

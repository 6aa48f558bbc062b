using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace AiProfiler.Agent.Tests;

/// <summary>The real agent as a separate process on a free loopback port, killed on dispose if still running.</summary>
internal sealed partial class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AgentProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public Process Process => _process;

    public static AgentProcess Start(string? configFile = null, IDictionary<string, string>? environment = null, string? pluginsDirectory = null)
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var arg in new[] { Repository.AgentDll, "run", "--urls", $"http://127.0.0.1:{port}", "--plugins", pluginsDirectory ?? Repository.Plugins })
        {
            info.ArgumentList.Add(arg);
        }

        if (configFile is not null)
        {
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(configFile);
        }

        // Measuring the devices at start takes 10-25 s of both cores beside the first scheduled run; tests that
        // need a calibration write one with `aiprofiler calibrate` first or turn this back on.
        info.Environment["AIPROFILER_Calibration__OnStart"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new AgentProcess(Process.Start(info)!, port);
    }

    /// <summary>Waits until <paramref name="path"/> answers 200, or throws with the agent's log.</summary>
    public async Task<string> WaitForAsync(string path, Func<string, bool>? until = null, int timeoutSeconds = 60)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"agent exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && (until is null || until(body)))
                {
                    return body;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{path} did not answer as expected within {timeoutSeconds} s; agent log:\n{Log}");
    }

    /// <summary>Sends SIGTERM, as systemd and Kubernetes do to stop a service.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

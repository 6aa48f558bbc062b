using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace AiProfiler.Testing;

/// <summary>The real agent (<c>dotnet aiprofiler.dll run</c>) on a free loopback port, killed on dispose if still running.</summary>
public sealed partial class AgentProcess : IDisposable
{
    private const int SigTerm = 15;

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

    public Process Process => _process;

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

    /// <summary>
    /// Copies the agent to <paramref name="directory"/> with <paramref name="settingsJson"/> as its own appsettings.json,
    /// as a deployment that replaces the default file does (the Kubernetes ConfigMap, install.sh's single config);
    /// returns the copy's aiprofiler.dll for <see cref="Start"/>. A file given with --config would instead be layered
    /// over the default one, whose schedule would then merge into the test's job by job.
    /// </summary>
    public static string CopyWithSettings(string directory, string settingsJson)
    {
        var source = Path.GetDirectoryName(Repository.AgentDll)!;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllText(Path.Combine(directory, "appsettings.json"), settingsJson);
        return Path.Combine(directory, Path.GetFileName(Repository.AgentDll));
    }

    /// <summary>
    /// Starts <c>dotnet aiprofiler.dll run</c> (or <paramref name="agentDll"/>) on a free port with the repository's
    /// plugins (or <paramref name="pluginsDirectory"/>), <paramref name="configFile"/> as --config, and
    /// <paramref name="environment"/> on top of an environment without an inherited systemd socket.
    /// </summary>
    public static AgentProcess Start(string? configFile = null, IReadOnlyDictionary<string, string>? environment = null, string? pluginsDirectory = null, string? agentDll = null)
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in new[] { agentDll ?? Repository.AgentDll, "run", "--urls", $"http://127.0.0.1:{port}", "--plugins", pluginsDirectory ?? Repository.Plugins })
        {
            info.ArgumentList.Add(argument);
        }

        if (configFile is not null)
        {
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(configFile);
        }

        // A NOTIFY_SOCKET inherited from a test runner under systemd must not reach the agents of other tests.
        info.Environment.Remove("NOTIFY_SOCKET");
        info.Environment.Remove("WATCHDOG_USEC");
        info.Environment.Remove("WATCHDOG_PID");
        // Measuring the devices at start takes 10-25 s of both cores beside the first scheduled run; tests that
        // need a calibration write one with `aiprofiler calibrate` first or turn this back on.
        info.Environment["AIPROFILER_Calibration__OnStart"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new AgentProcess(Process.Start(info)!, port);
    }

    /// <summary>Waits until <paramref name="path"/> answers 200 (and <paramref name="until"/> holds), or throws with the agent's log.</summary>
    public async Task<string> WaitForAsync(string path, Func<string, bool>? until = null, int timeoutSeconds = 90)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"agent exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(path);
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && (until is null || until(last)))
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{path} did not answer as expected within {timeoutSeconds} s; last answer:\n{last}\nagent log:\n{Log}");
    }

    /// <summary>
    /// Waits until the agent accepts connections, which it does only after every hosted service started: plugins
    /// loaded and the configuration and schedule validated. Throws with the agent's log if it exits first.
    /// </summary>
    public async Task WaitListeningAsync(int timeoutSeconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"agent exited with {_process.ExitCode}:\n{Log}");
            }

            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(250);
            }
        }

        throw new TimeoutException($"agent did not listen on {Port} within {timeoutSeconds} s; log:\n{Log}");
    }

    /// <summary>Sends SIGTERM, as systemd and Kubernetes do to stop a service.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
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

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>
/// Debian's Prometheus on a free loopback port with its own data directory, started with a given configuration file
/// and killed on dispose.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;

    private PrometheusServer(Process process, int port)
    {
        _process = process;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

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

    public static async Task<PrometheusServer> StartAsync(string configFile, string dataDirectory)
    {
        if (!ExternalCommand.Exists("prometheus"))
        {
            throw new InvalidOperationException("prometheus is not installed; test.sh installs Debian's prometheus package");
        }

        var port = FreePort.Next();
        var info = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in new[]
        {
            "--config.file=" + configFile,
            "--storage.tsdb.path=" + dataDirectory,
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--log.level=warn",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var server = new PrometheusServer(Process.Start(info)!, port);
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>An instant query through <c>/api/v1/query</c>; the answer's <c>data.result</c>, or the error Prometheus gave.</summary>
    public async Task<(JsonArray? Result, string? Error)> QueryAsync(string expression)
    {
        using var form = new FormUrlEncodedContent([new("query", expression)]);
        using var response = await _http.PostAsync("/api/v1/query", form);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>() ?? throw new InvalidOperationException("empty answer from Prometheus");
        return (string?)body["status"] == "success"
            ? (body["data"]!["result"]!.AsArray(), null)
            : (null, $"{body["errorType"]}: {body["error"]}");
    }

    /// <summary>The metric names Prometheus holds.</summary>
    public async Task<IReadOnlySet<string>> MetricNamesAsync()
    {
        var body = await _http.GetFromJsonAsync<JsonObject>("/api/v1/label/__name__/values") ?? throw new InvalidOperationException("empty answer from Prometheus");
        return body["data"]!.AsArray().Select(n => (string)n!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Health of the scrape targets (<c>/api/v1/targets</c>), for failure messages.</summary>
    public async Task<string> TargetsAsync() => await _http.GetStringAsync("/api/v1/targets");

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
        _http.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await _http.GetAsync("/-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
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

        throw new TimeoutException($"prometheus was not ready within 60 s:\n{Log}");
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
}

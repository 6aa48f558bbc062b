using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AiProfiler.Agent.Tests.Hosting;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"aiprofiler-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_config);

    [Theory]
    [InlineData("""{ "Schedule": { "Jobs": [ { "Workload": "gem", "Devices": [ "cpu" ] } ] } }""", "Schedule:Jobs:0:Workload: unknown workload 'gem'; loaded: ")]
    [InlineData("""{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "Parameters": { "m": "-4" } } ] } }""", "Schedule:Jobs:0:Parameters:m: parameter 'm' of workload 'gemm' is -4, outside integer 1..65536")]
    [InlineData("""{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "tpu:0" ], "IntervalSeconds": 0 } ] } }""", "Schedule:Jobs:0:IntervalSeconds: 0 is outside 1..86400; Schedule:Jobs:0:Devices:0: 'tpu:0' is not a device id")]
    [InlineData("""{ "Plugins": { "Direktory": "elsewhere" } }""", "'Direktory'")]
    [InlineData("""{ "Plugins": { "DebounceMilliseconds": 1 } }""", "DebounceMilliseconds")]
    public async Task Run_BadConfiguration_ExitsOneNamingTheKey(string json, string expected)
    {
        File.WriteAllText(_config, json);

        var run = await CliRun.Invoke("run", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--config", _config, "--plugins", Repository.Plugins);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("aiprofiler: configuration error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("bench")]
    public async Task AnyCommand_ConfigFileNotJson_ExitsOneWithThePosition(string command)
    {
        File.WriteAllText(_config, "{ \"Schedule\": { \"Jobs\": [ } }");

        var run = await CliRun.Invoke(command == "run"
            ? ["run", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--config", _config]
            : ["bench", "-w", "gemm", "--config", _config, "--plugins", Repository.Plugins]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"aiprofiler: configuration error: configuration file '{_config}' is not valid JSON at line 1, byte 27: '}}' is an invalid start of a value. Fix the file.{Environment.NewLine}", run.Error);
    }

    [Fact]
    public async Task Run_ConfigFile_ReplacesTheBundledScheduleInsteadOfMergingJobs()
    {
        // The bundled second job is attention with a 'causal' parameter; merged by index it would break this gemm job.
        File.WriteAllText(_config, """
            { "Schedule": { "InitialDelaySeconds": 0, "Jobs": [
              { "Workload": "gemm", "Devices": [ "cpu" ], "Parameters": { "m": "16" }, "IntervalSeconds": 3600 },
              { "Workload": "gemm", "Devices": [ "cpu" ], "Parameters": { "m": "24" }, "IntervalSeconds": 3600 } ] } }
            """);
        using var agent = AgentProcess.Start(_config);

        var metrics = await agent.WaitForAsync("/metrics", body => body.Contains("params=\"m=24\"", StringComparison.Ordinal));

        Assert.DoesNotContain("workload=\"attention\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortInUse_ExitsOneWithTheFix()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        File.WriteAllText(_config, """{ "Schedule": { "Enabled": false } }""");

        var run = await CliRun.Invoke("run", "--urls", $"http://127.0.0.1:{port}", "--config", _config, "--plugins", Repository.Plugins);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"aiprofiler: cannot listen on http://127.0.0.1:{port}: ", run.Error, StringComparison.Ordinal);
        Assert.EndsWith("stop the other process or pass another --urls" + Environment.NewLine, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Sigterm_StopsCleanlyWithinFiveSeconds()
    {
        using var agent = AgentProcess.Start();
        await agent.WaitForAsync("/metrics");

        var stopwatch = Stopwatch.StartNew();
        agent.Terminate();
        var exited = agent.Process.WaitForExit(TimeSpan.FromSeconds(5));

        Assert.True(exited, $"agent still running {stopwatch.Elapsed.TotalSeconds:0.0} s after SIGTERM; log:\n{agent.Log}");
        Assert.Equal(0, agent.Process.ExitCode);
    }
}

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
    [InlineData("""{ "Plugins": { "Direktory": "elsewhere" } }""", "Plugins:Direktory: unknown key; Plugins accepts Directory, HotReload, DebounceMilliseconds")]
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
    [InlineData("""{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "IntervalSecond": 5 } ] } }""",
        "Schedule:Jobs:0:IntervalSecond: unknown key; Schedule:Jobs:0 accepts Workload, Devices, Parameters, IntervalSeconds, Iterations, WarmupIterations, TimeBudgetSeconds, TimeoutSeconds, Threads, Verify")]
    [InlineData("""{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "Iterations": "ten" } ] } }""", "Schedule:Jobs:0:Iterations: 'ten' is not a whole number")]
    [InlineData("""{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "Iterations": 1e12 } ] } }""", "Schedule:Jobs:0:Iterations: '1e12' is not a whole number")]
    [InlineData("""{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "Verify": "yes" } ] } }""", "Schedule:Jobs:0:Verify: 'yes' is not true or false")]
    [InlineData("""{ "Schedule": { "Enabled": { "On": true } } }""", "Schedule:Enabled: is a section; it must be a single true or false")]
    [InlineData("""{ "Schedule": { "Jobs": { "first": { "Workload": "gemm" } } } }""", "Schedule:Jobs:first: 'first' is not a list position; Schedule:Jobs is a list (in JSON [ ... ]; in a variable __0__, __1__, ...)")]
    [InlineData("""{ "Schedul": { "Enabled": false } }""", "Schedul: unknown section; known sections: Advise, Calibration, Kestrel, Logging, Metrics, Plugins, Samplers, Schedule, Workers")]
    [InlineData("""{ "Plugin": { "Directory": "plugins" } }""", "Plugin: unknown section; known sections: Advise, Calibration, Kestrel, Logging, Metrics, Plugins, Samplers, Schedule, Workers")]
    [InlineData("""{ "Metrics": { "Promethus": { } } }""", "Metrics:Promethus: unknown section; known parts of Metrics: Otlp, Prometheus")]
    [InlineData("""{ "Kestrel": { "Endpoints": { "Http": { "Url": "http://127.0.0.1:5000" } } } }""",
        "Kestrel:Endpoints: the agent listens where --urls says; remove Kestrel:Endpoints and pass the addresses with --urls (a certificate may stay under Kestrel:Certificates)")]
    [InlineData("null", "configuration file '{file}' holds null at the top; it must hold one JSON object { ... }. Fix the file.")]
    [InlineData("""{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Iterations": 3, "iterations": 4 } ] } }""",
        "configuration file '{file}' has the key 'Schedule:Jobs:0:iterations' twice (keys ignore case); keep one. Fix the file.")]
    public async Task AnyCommand_MistakeInConfiguration_OneLineNamingTheKey(string json, string expected)
    {
        File.WriteAllText(_config, json);

        var run = await CliRun.Invoke("devices", "--config", _config);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"aiprofiler: configuration error: {expected.Replace("{file}", _config, StringComparison.Ordinal)}{Environment.NewLine}", run.Error);
    }

    [Fact]
    public async Task AnyCommand_EverySectionTheAgentReads_IsNotRefusedAsUnknown()
    {
        File.WriteAllText(_config, """
            { "Calibration": { "OnStart": false, "Repetitions": 5 },
              "Advise": { "Scenarios": [ { "Model": "llama-3-8b", "Prompt": 128, "Concurrency": 2, "Devices": [ "cpu" ] } ] },
              "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "Threads": 1 } ] } }
            """);

        var run = await CliRun.Invoke("devices", "--config", _config);

        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task Run_VariableForAJobPastTheEnd_NamedByItsOwnPosition()
    {
        File.WriteAllText(_config, """{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ] } ] } }""");
        var environment = new Dictionary<string, string>
        {
            ["AIPROFILER_Schedule__Jobs__7__Iterations"] = "abc",
            // A backend switch with the same prefix is not configuration and must not be refused.
            ["AIPROFILER_CPU_GEMM"] = "simd",
        };

        var run = await CliProcess.Run(["run", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--config", _config, "--plugins", Repository.Plugins], environment: environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "aiprofiler: configuration error: Schedule:Jobs:7: Schedule:Jobs has no entry 1; number list entries from 0 without gaps (this one would be read as Schedule:Jobs:1); "
            + "Schedule:Jobs:7:Iterations: 'abc' is not a whole number" + Environment.NewLine,
            run.Error);
    }

    [Fact]
    public async Task Run_StartupFailsInTheHost_PrintsOnlyTheOneLineThatMatters()
    {
        File.WriteAllText(_config, """{ "Schedule": { "Jobs": [ { "Workload": "gemm", "Devices": [ "cpu" ], "Parameters": { "m": "-4" } } ] } }""");

        var run = await CliProcess.Run(["run", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--config", _config, "--plugins", Repository.Plugins]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("aiprofiler: configuration error: Schedule:Jobs:0:Parameters:m: parameter 'm' of workload 'gemm' is -4, outside integer 1..65536" + Environment.NewLine, run.Error);
        Assert.DoesNotContain("fail:", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
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
    public async Task Run_PortInUse_ExitsOneWithOneLineAndTheFix()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        File.WriteAllText(_config, """{ "Schedule": { "Enabled": false } }""");

        var run = await CliProcess.Run(["run", "--urls", $"http://127.0.0.1:{port}", "--config", _config, "--plugins", Repository.Plugins]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"aiprofiler: cannot listen on http://127.0.0.1:{port}: Address already in use; stop the other process or pass another --urls{Environment.NewLine}", run.Error);
        Assert.DoesNotContain("fail:", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
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

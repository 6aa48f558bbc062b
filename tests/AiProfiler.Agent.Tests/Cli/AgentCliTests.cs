using System.Text.Json;

namespace AiProfiler.Agent.Tests.Cli;

public sealed class AgentCliTests
{
    [Fact]
    public async Task Bench_GemmJson_PrintsMeasuredGflopsAndPassedVerification()
    {
        var run = await CliRun.Invoke("bench", "--workload", "gemm", "--param", "m=128", "--param", "n=96", "--param", "k=64", "--iterations", "3", "--format", "json", "--plugins", Repository.Plugins);

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var result = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("gemm", result.GetProperty("workload").GetString());
        Assert.Equal("cpu", result.GetProperty("device").GetString());
        Assert.Equal("passed", result.GetProperty("outcome").GetString());
        Assert.True(result.GetProperty("verification").GetProperty("passed").GetBoolean());
        Assert.True(result.GetProperty("gflops").GetDouble() > 0);
        Assert.Equal(3, result.GetProperty("iterations").GetInt32());
        Assert.Equal(2.0 * 128 * 96 * 64, result.GetProperty("cost").GetProperty("flops").GetDouble());
        Assert.Contains("gemm on cpu: measuring", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_Table_ShowsLlamaBenchStyleColumns()
    {
        var run = await CliRun.Invoke("bench", "-w", "gemm", "-p", "m=32", "-p", "n=32", "-p", "k=32", "-n", "2", "--plugins", Repository.Plugins);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n');
        Assert.StartsWith("| workload | device | impl", lines[0], StringComparison.Ordinal);
        Assert.Contains("GFLOP/s", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^\| gemm +\| cpu +\| \w+ +\| M=32 N=32 K=32 fp32 \| 2 +\| [\d.]+ ± [\d.]+ (µs|ms) .*\| passed +\|$", lines[2]);
    }

    [Fact]
    public async Task Bench_Csv_HasHeaderAndOneRowPerDevice()
    {
        var run = await CliRun.Invoke("bench", "-w", "gemm", "-p", "m=16", "-n", "1", "--format", "csv", "--plugins", Repository.Plugins);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("workload,device,implementation,parameters,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("gemm,cpu,", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "bench" }, "Option '--workload' is required.")]
    [InlineData(new[] { "bench", "-w", "gemm", "--iterations", "0" }, "--iterations must be between 1 and 100000, got 0")]
    [InlineData(new[] { "bench", "-w", "gemm", "--format", "xml" }, "Argument 'xml' not recognized. Must be one of:")]
    [InlineData(new[] { "bench", "-w", "gemm", "--param", "m" }, "--param 'm' is not key=value; e.g. --param m=1024")]
    [InlineData(new[] { "bench", "-w", "gemm", "--param", "m=0" }, "parameter 'm' of workload 'gemm' is 0, outside integer 1..65536")]
    [InlineData(new[] { "bench", "-w", "gemn" }, "unknown workload 'gemn'; loaded: ")]
    [InlineData(new[] { "bench", "-w", "gemm", "--device", "gpu" }, "'gpu' is not a device id; use cpu, opencl:N, cuda:N, ilgpu-cuda:N, ilgpu-opencl:N or ilgpu-cpu")]
    [InlineData(new[] { "bench", "-w", "gemm", "--device", "cpu:1" }, "device 'cpu:1' not found; found: cpu")]
    [InlineData(new[] { "benchmark" }, "Unrecognized command or argument 'benchmark'.")]
    [InlineData(new[] { "run", "--urls", "localhost:9464" }, "--urls 'localhost:9464' is not an http(s) URL; e.g. --urls http://127.0.0.1:9464")]
    [InlineData(new[] { "run", "--config", "/nonexistent/agent.json" }, "configuration file '/nonexistent/agent.json' does not exist; check the --config path")]
    [InlineData(new[] { "devices", "--config", "/nonexistent/agent.json" }, "configuration file '/nonexistent/agent.json' does not exist; check the --config path")]
    [InlineData(new[] { "bench", "-w", "gemm", "--config", "/nonexistent/agent.json" }, "configuration file '/nonexistent/agent.json' does not exist; check the --config path")]
    [InlineData(new string[0], "a command is required")]
    public async Task WrongArguments_ExitTwoWithOneErrorAndTheUsageLine(string[] args, string message)
    {
        var run = await CliRun.Invoke([.. args, .. args.Length > 0 && args[0] == "bench" ? new[] { "--plugins", Repository.Plugins } : []]);

        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("aiprofiler: error: " + message, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("usage: aiprofiler", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task Devices_Json_ListsTheCpuWithPeaks()
    {
        var run = await CliRun.Invoke("devices", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var cpu = json.RootElement.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("id").GetString() == "cpu");
        Assert.Equal(Environment.ProcessorCount, cpu.GetProperty("computeUnits").GetInt32());
        Assert.True(cpu.GetProperty("peakBandwidthBytesPerSecond").GetDouble() > 0, "the CPU device reports no measured bandwidth");
        Assert.True(cpu.GetProperty("memoryBytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Workloads_Json_ListsGemmWithParameterDefaults()
    {
        var run = await CliRun.Invoke("workloads", "--format", "json", "--plugins", Repository.Plugins);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var gemm = json.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == "gemm");
        var m = gemm.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "m");
        Assert.Equal("512", m.GetProperty("default").GetString());
        Assert.Equal("integer 1..65536", m.GetProperty("range").GetString());
    }

    [Fact]
    public async Task Workloads_Table_ShowsEachParameter()
    {
        var run = await CliRun.Invoke("workloads", "--plugins", Repository.Plugins);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("gemm (AiProfiler.Workloads.Gemm", run.Output, StringComparison.Ordinal);
        Assert.Contains("| trans_a   | false   | true|false", run.Output, StringComparison.Ordinal);
    }
}

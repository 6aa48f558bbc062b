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

    [Theory]
    [InlineData("-n", "abc", "-n 'abc' is not a whole number; use 1..100000")]
    [InlineData("--iterations", "2.5", "--iterations '2.5' is not a whole number; use 1..100000")]
    [InlineData("-n", "99999999999", "-n must be between 1 and 100000, got 99999999999")]
    [InlineData("--warmup", "abc", "--warmup 'abc' is not a whole number; use 0..1000")]
    [InlineData("--warmup", "1001", "--warmup must be between 0 and 1000, got 1001")]
    [InlineData("--time-budget", "abc", "--time-budget 'abc' is not a number of seconds; use 0.01..3600")]
    [InlineData("--time-budget", "Infinity", "--time-budget 'Infinity' is not a number of seconds; use 0.01..3600")]
    [InlineData("--time-budget", "0", "--time-budget must be between 0.01 and 3600 seconds, got 0")]
    public async Task Bench_NumberOptionNotANumberOrOutOfRange_ExitTwoWithOneLineNamingIt(string option, string value, string message)
    {
        var run = await CliRun.Invoke("bench", "-w", "gemm", option, value, "--plugins", Repository.Plugins);

        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("aiprofiler: error: " + message, lines[0]);
        Assert.StartsWith("usage: aiprofiler bench ", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task Bench_NoVerify_SaysNotVerifiedInsteadOfPassed()
    {
        var run = await CliRun.Invoke("bench", "-w", "gemm", "-p", "m=16", "-p", "n=16", "-p", "k=16", "-n", "1", "--no-verify", "--plugins", Repository.Plugins);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("gemm on cpu: not verified", run.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.EndsWith("| not verified |", run.Output.Split('\n')[2], StringComparison.Ordinal);
        Assert.DoesNotContain("passed", run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_OneIterationLongerThanTheBudget_SaysSoBeforeMeasuring()
    {
        // 2*4096^3 = 137 GFLOP: longer than 10 ms at the peak of any CPU this suite runs on.
        var run = await CliRun.Invoke("bench", "-w", "gemm", "-p", "m=4096", "-p", "n=4096", "-p", "k=4096", "--time-budget", "0.01", "--format", "json", "--plugins", Repository.Plugins);

        var progress = run.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var note = Array.FindIndex(progress, l => l.StartsWith("gemm on cpu: one iteration needs at least ", StringComparison.Ordinal));
        Assert.True(note > 0, run.Error);
        Assert.Matches(@"^gemm on cpu: one iteration needs at least [\d.]+ s at the device's peak, more than the 0\.01 s time budget: no warm-up, one timed iteration; choose smaller sizes or raise the budget$", progress[note]);
        Assert.True(note < Array.IndexOf(progress, "gemm on cpu: measuring"), run.Error);
        Assert.DoesNotContain("gemm on cpu: warm-up", progress);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(1, json.RootElement[0].GetProperty("iterations").GetInt32());
    }

    [Fact]
    public async Task AnyCommand_PluginsPointsAtOnePluginsBuildOutput_SaysItExpectsAFolderOfPluginFolders()
    {
        var gemm = Path.Combine(Repository.Plugins, "AiProfiler.Workloads.Gemm");

        var run = await CliRun.Invoke("workloads", "--plugins", gemm);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            $"aiprofiler: error: --plugins '{gemm}' holds the files of one plugin (AiProfiler.Workloads.Gemm.dll); it expects a folder of plugin folders: copy them into DIR/AiProfiler.Workloads.Gemm/ and pass --plugins DIR",
            run.Error.Split(Environment.NewLine)[0]);
    }

    [Fact]
    public async Task Workloads_NoPluginsOption_LooksBesideTheAgentNotInTheWorkingDirectory()
    {
        // The repository root has a plugins/ folder with the bundled plugins; the agent must not pick it up from there.
        var run = await CliProcess.Run(["workloads"], workingDirectory: Repository.Root);

        Assert.Equal(
            $"warning: Plugins directory {Path.Combine(AppContext.BaseDirectory, "plugins")} does not exist; no workloads are loaded (set Plugins:Directory){Environment.NewLine}",
            run.Error);
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

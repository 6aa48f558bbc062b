using System.Text.Json;

namespace AiProfiler.Agent.Tests.Cli;

public sealed class BenchSweepTests
{
    [Fact]
    public async Task Bench_SweepOfTwoParameters_OneJsonLinePerCombinationInOrder()
    {
        var run = await CliRun.Invoke("bench", "-w", "gemm", "-p", "m=16,32", "-p", "n=8-24*3", "-p", "k=8", "-n", "1", "--warmup", "0", "--format", "jsonl", "--plugins", Repository.Plugins);

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        var rows = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["16/8", "16/24", "32/8", "32/24"], rows.Select(r => $"{r.GetProperty("swept").GetProperty("m").GetString()}/{r.GetProperty("swept").GetProperty("n").GetString()}"));
        Assert.Equal(["M=16 N=8 K=8 fp32", "M=16 N=24 K=8 fp32", "M=32 N=8 K=8 fp32", "M=32 N=24 K=8 fp32"], rows.Select(r => r.GetProperty("shape").GetString()));
        Assert.All(rows, r => Assert.Equal("passed", r.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Bench_Jsonl_CarriesHostBuildAndDeviceMetadata()
    {
        var run = await CliRun.Invoke("bench", "-w", "gemm", "-p", "m=16", "--threads", "1", "-r", "2", "--format", "jsonl", "--plugins", Repository.Plugins);

        Assert.True(run.ExitCode == 0, run.Error);
        var row = JsonDocument.Parse(Assert.Single(run.Output.TrimEnd('\n').Split('\n'))).RootElement;
        Assert.Equal("cpu", row.GetProperty("backend").GetString());
        Assert.Equal(1, row.GetProperty("threads").GetInt32());
        Assert.Equal(2, row.GetProperty("iterations").GetInt32());
        Assert.Equal("16", row.GetProperty("parameterValues").GetProperty("m").GetString());
        var host = row.GetProperty("host");
        Assert.Equal(Environment.ProcessorCount, host.GetProperty("logicalCores").GetInt32());
        Assert.Equal(row.GetProperty("deviceName").GetString(), host.GetProperty("cpu").GetString());
        Assert.Equal(Environment.MachineName, host.GetProperty("name").GetString());
        var build = row.GetProperty("build");
        Assert.Matches(@"^\d+\.\d+\.\d+", build.GetProperty("version").GetString());
        Assert.False(string.IsNullOrEmpty(build.GetProperty("commit").GetString()));
        Assert.True(row.GetProperty("benchStartedAt").GetDateTimeOffset() >= row.GetProperty("startedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Bench_TableWithThreadsAndASweep_ShowsThemAsColumns()
    {
        var run = await CliRun.Invoke("bench", "-w", "gemm", "-p", "m=16,32", "-p", "n=8", "-p", "k=8", "--threads", "1", "-n", "1", "--plugins", Repository.Plugins);

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n');
        Assert.Matches(@"^\| workload \| device \| impl +\| threads \| m +\| shape +\| iters \|", lines[0]);
        Assert.Matches(@"^\| gemm +\| cpu +\| \w+ +\| 1 +\| 16 \| M=16 N=8 K=8 fp32 +\| 1 +\|", lines[2]);
        Assert.Matches(@"^\| gemm +\| cpu +\| \w+ +\| 1 +\| 32 \| M=32 N=8 K=8 fp32 +\| 1 +\|", lines[3]);
        Assert.Equal("", lines[4]);
    }

    [Fact]
    public async Task Bench_Markdown_RightAlignsFiguresAndEndsWithTheBuildAndHost()
    {
        var run = await CliRun.Invoke("bench", "-w", "gemm", "-p", "m=16", "-n", "1", "--format", "markdown", "--plugins", Repository.Plugins);

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.StartsWith("| workload | device | impl", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^\|-+\|-+\|-+\|-+\|-+:\|-+:\|-+:\|-+:\|-+:\|-+\|-+\|$", lines[1]);
        Assert.StartsWith("| gemm ", lines[2], StringComparison.Ordinal);
        Assert.Matches($@"^build: \d+\.\d+\.\d+ \(.+\), .+; host: .+, {Environment.ProcessorCount} logical cores, .+$", lines[^1]);
    }

    [Theory]
    [InlineData(new[] { "-p", "m=16,,32" }, "--param m=16,,32 has an empty item; separate values with single commas, e.g. m=1,8")]
    [InlineData(new[] { "-p", "m=32-16" }, "--param m: range '32-16' ends before it starts; write first-last with first <= last, e.g. 1-8")]
    [InlineData(new[] { "-p", "m=1-64", "-p", "n=1-64", "-p", "k=1,2" }, "the --param sweep has 8192 combinations, more than 4096; sweep fewer values")]
    [InlineData(new[] { "-p", "m=16,0" }, "parameter 'm' of workload 'gemm' is 0, outside integer 1..65536")]
    [InlineData(new[] { "--threads", "0" }, "--threads 0 is not a thread count of this host; use 1 to ")]
    [InlineData(new[] { "--threads", "1,many" }, "--threads many is not a thread count of this host; use 1 to ")]
    [InlineData(new[] { "--threads", "100000" }, "--threads 100000 is not a thread count of this host; use 1 to ")]
    public async Task Bench_BadSweep_ExitTwoWithOneErrorBeforeAnyRun(string[] args, string message)
    {
        var run = await CliRun.Invoke(["bench", "-w", "gemm", "-n", "1", .. args, "--plugins", Repository.Plugins]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("aiprofiler: error: " + message, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("usage: aiprofiler bench", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
    }
}

namespace AiProfiler.Agent.Tests.Cli;

public sealed class ReportCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aiprofiler-report-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Report_RunningAgent_WritesOneSelfContainedFileWithItsLatestRun()
    {
        var config = Path.Combine(_directory, "agent.json");
        File.WriteAllText(config, """
            { "Plugins": { "HotReload": false }, "Calibration": { "OnStart": false }, "Schedule": { "InitialDelaySeconds": 0, "Jobs": [
              { "Workload": "gemm", "Devices": [ "cpu" ], "Parameters": { "m": "32", "n": "32", "k": "32" }, "IntervalSeconds": 3600, "Iterations": 3 } ] } }
            """);
        using var agent = AgentProcess.Start(config);
        await agent.WaitForAsync("/api/summary", body => body.Contains("\"workload\": \"gemm\"", StringComparison.Ordinal));
        var file = Path.Combine(_directory, "report.html");

        var run = await CliRun.Invoke("report", "--url", agent.BaseAddress.ToString(), "--out", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"wrote {file}: ", run.Output[..$"wrote {file}: ".Length]);
        var html = File.ReadAllText(file);
        Assert.Contains("<tr data-workload=\"gemm\" data-device=\"cpu\">", html, StringComparison.Ordinal);
        Assert.Contains("<g class=\"pt c0\" data-workload=\"gemm\" data-device=\"cpu\"", html, StringComparison.Ordinal);
        Assert.Contains("M=32 N=32 K=32", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_NothingListening_ExitsOneWithOneLineNamingTheFix()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}/";

        var run = await CliRun.Invoke("report", "--url", url, "--out", Path.Combine(_directory, "report.html"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"aiprofiler: cannot reach the agent at {url}: ", run.Error, StringComparison.Ordinal);
        Assert.EndsWith("start it with `aiprofiler run` or pass its address with --url" + Environment.NewLine, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(Path.Combine(_directory, "report.html")));
    }

    [Theory]
    [InlineData("127.0.0.1:9464")]
    [InlineData("ftp://127.0.0.1:9464")]
    public async Task Report_UrlNotHttp_ExitsTwoWithTheUsage(string url)
    {
        var run = await CliRun.Invoke("report", "--url", url);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            $"aiprofiler: error: --url '{url}' is not an http(s) URL; e.g. --url http://127.0.0.1:9464{Environment.NewLine}usage: aiprofiler report [--url http://127.0.0.1:9464] [--out FILE] [--timeout SECONDS]{Environment.NewLine}",
            run.Error);
    }
}

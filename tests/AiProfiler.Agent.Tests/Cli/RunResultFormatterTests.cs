using System.Text.Json;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Agent.Cli;
using AiProfiler.Core.Roofline;
using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Tests.Cli;

public sealed class RunResultFormatterTests
{
    /// <summary>An OpenCL device as PoCL reports it: a FLOP/s peak but no memory bandwidth.</summary>
    private static readonly DeviceInfo NoBandwidth = new() { Id = "opencl:0", Kind = DeviceKind.Cpu, Name = "pthread", PeakFlopsPerSecond = 1e11 };

    private static readonly DeviceInfo Cpu = new() { Id = "cpu", Kind = DeviceKind.Cpu, Name = "cpu", PeakFlopsPerSecond = 1e11, PeakBandwidthBytesPerSecond = 1e10 };

    [Fact]
    public void Json_UnknownBandwidth_RidgeIsNullNotTheStringInfinity()
    {
        var json = Format([Result(NoBandwidth)], OutputFormat.Json);

        using var document = JsonDocument.Parse(json);
        var roofline = document.RootElement[0].GetProperty("roofline");
        Assert.Equal(JsonValueKind.Null, roofline.GetProperty("ridgeIntensity").ValueKind);
        Assert.Equal(JsonValueKind.Number, roofline.GetProperty("peakFlopsPerSecond").ValueKind);
        Assert.DoesNotContain("Infinity", json, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_TextWithNonAsciiCharacters_IsWrittenAsIs()
    {
        var json = Format([Result(Cpu) with { Shape = "2×(M=8 N=8) <tiled> & 'fused'" }], OutputFormat.Json);

        Assert.Contains("\"shape\": \"2×(M=8 N=8) <tiled> & 'fused'\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_UnknownBandwidth_SaysSoInsteadOfAPercentOfUnknown()
    {
        var row = TableRow(Format([Result(NoBandwidth)], OutputFormat.Table));

        Assert.Equal("unknown bandwidth", row[^2]);
    }

    [Fact]
    public void Table_NotVerified_SaysNotVerifiedRatherThanPassed()
    {
        var result = Result(Cpu) with { Verification = null };

        var row = TableRow(Format([result], OutputFormat.Table));

        Assert.Equal("not verified", row[^1]);
        Assert.Equal("not verified", RunResultFormatter.Verdict(result));
        Assert.Equal("passed", RunResultFormatter.Verdict(Result(Cpu)));
    }

    [Fact]
    public void Csv_NotVerified_LeavesTheVerifiedCellEmpty()
    {
        var lines = Format([Result(Cpu) with { Verification = null }, Result(Cpu)], OutputFormat.Csv).TrimEnd().Split('\n');

        Assert.Equal("verified", lines[0].Split(',')[^2]);
        Assert.Equal("", lines[1].Split(',')[^2]);
        Assert.Equal("true", lines[2].Split(',')[^2]);
    }

    [Fact]
    public void Table_Measurements_PlainNumbersWithNamesThatSayWhichRateIsWhich()
    {
        var result = Result(Cpu) with
        {
            Measurements = new Dictionary<string, RunStatistics>
            {
                ["prefill_tokens_per_second"] = new(3, 15523.4, 15523.4, 15600, 15612.7, 1, 15500, 15613),
                ["decode_tokens_per_second"] = new(3, 0.0012346, 0.0012346, 0.0012346, 0.0012346, 0, 0.0012346, 0.0012346),
                ["ttft_seconds"] = new(3, 0.0058, 0.0058, 0.0094, 0.0095, 0, 0.0058, 0.0095),
            },
        };

        var text = Format([result], OutputFormat.Table);

        var notes = text.Split('\n').Where(l => l.StartsWith("  fake on cpu: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
        [
            "  fake on cpu: items/s 8 k tokens/s end to end (16 tokens per iteration / mean iteration time)",
            "  fake on cpu: prefill tokens/s mean 15523, p50 15523, p99 15613",
            "  fake on cpu: decode tokens/s mean 0.001235, p50 0.001235, p99 0.001235",
            "  fake on cpu: ttft mean 5.8 ms, p50 5.8 ms, p99 9.5 ms",
        ], notes);
        Assert.DoesNotContain("E+", text, StringComparison.Ordinal);
    }

    private static readonly BenchMetadata Metadata = new("host", "linux", "cpu", 2, "1.0", "abc", ".NET", DateTimeOffset.UnixEpoch);

    private static string Format(RunResult[] results, OutputFormat format) =>
        RunResultFormatter.Format(results.Select(r => new BenchRow(r, new Dictionary<string, string>(), new Dictionary<string, string>())).ToArray(), format, Metadata, [], showThreads: false);

    private static string[] TableRow(string table) =>
        table.Split('\n')[2].Split('|', StringSplitOptions.TrimEntries)[1..^1];

    private static RunResult Result(DeviceInfo device)
    {
        var cost = new WorkloadCost(1e6, 1e5, 16, "tokens");
        var latency = RunStatistics.From([0.002]);
        return new RunResult
        {
            Workload = "fake",
            Device = device,
            Parameters = "size=8",
            Outcome = RunOutcome.Passed,
            StartedAt = DateTimeOffset.UnixEpoch,
            Shape = "fake",
            Implementation = "scripted",
            Cost = cost,
            IterationSeconds = [0.002],
            Latency = latency,
            Verification = VerificationResult.Pass(0, "ok"),
            Roofline = RooflineModel.Place(device, DataType.Float32, cost, latency.Mean),
        };
    }
}

using System.Text.Json.Nodes;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Devices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Tests.Calibration;

public sealed class CalibrationCacheTests
{
    [Fact]
    public void GetOrCalibrate_SecondCacheOverTheSameFolder_ReadsInsteadOfMeasuring()
    {
        using var folder = new TemporaryDirectory();
        using var first = new DeviceRegistry([new CpuDeviceProvider()], NullLogger<DeviceRegistry>.Instance);
        var measured = Cache(first, folder.Path).GetOrCalibrate(false, null, out var firstReason);
        using var second = new DeviceRegistry([new CpuDeviceProvider()], NullLogger<DeviceRegistry>.Instance);

        var read = Cache(second, folder.Path).GetOrCalibrate(false, _ => Assert.Fail("measured again"), out var secondReason);

        Assert.StartsWith("no calibration in ", firstReason, StringComparison.Ordinal);
        Assert.Null(secondReason);
        var cpu = read.For("cpu")!;
        Assert.Equal(measured.For("cpu")!.ComputeFor("fp32")!.Measured, cpu.ComputeFor("fp32")!.Measured);
        Assert.Equal(measured.For("cpu")!.Bandwidth, cpu.Bandwidth);
        Assert.True(cpu.Bandwidth!.Low <= cpu.Bandwidth.Median && cpu.Bandwidth.Median <= cpu.Bandwidth.High);
        Assert.Equal(6, cpu.Bandwidth.Repetitions);
    }

    [Fact]
    public void GetOrCalibrate_KeyChanged_MeasuresAgainAndSaysWhy()
    {
        using var folder = new TemporaryDirectory();
        using var registry = new DeviceRegistry([new CpuDeviceProvider()], NullLogger<DeviceRegistry>.Instance);
        var cache = Cache(registry, folder.Path);
        cache.GetOrCalibrate(false, null, out _);
        var json = JsonNode.Parse(File.ReadAllText(cache.FilePath))!;
        json["key"]!["agentVersion"] = "0.0.1-old";
        File.WriteAllText(cache.FilePath, json.ToJsonString());

        var measuredAgain = false;
        Cache(registry, folder.Path).GetOrCalibrate(false, _ => measuredAgain = true, out var reason);

        Assert.True(measuredAgain);
        Assert.Contains("the machine changed since", reason, StringComparison.Ordinal);
        Assert.Contains("agent 0.0.1-old", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOrCalibrate_FileFromBeforeTheLatencyCeilings_CountsAsMissingAndMeasuresThem()
    {
        using var folder = new TemporaryDirectory();
        using var registry = new DeviceRegistry([new CpuDeviceProvider()], NullLogger<DeviceRegistry>.Instance);
        var cache = Cache(registry, folder.Path);
        cache.GetOrCalibrate(false, null, out _);
        // What an older agent wrote: the same key, but no call-latency or op-latency ceiling.
        var json = JsonNode.Parse(File.ReadAllText(cache.FilePath))!;
        foreach (var device in json["devices"]!.AsArray())
        {
            var workloads = device!["workloads"]!.AsArray();
            foreach (var old in workloads.Where(w => w!["kind"]!.GetValue<string>().EndsWith("-latency", StringComparison.Ordinal)).ToArray())
            {
                workloads.Remove(old);
            }
        }

        File.WriteAllText(cache.FilePath, json.ToJsonString());
        var stale = Cache(registry, folder.Path);

        Assert.Null(stale.Current);
        var measuredAgain = false;
        var calibration = stale.GetOrCalibrate(false, _ => measuredAgain = true, out var reason);

        Assert.True(measuredAgain);
        Assert.EndsWith("has no call-latency or op-latency ceiling for cpu (written by an older agent)", reason, StringComparison.Ordinal);
        var cpu = calibration.For("cpu")!;
        Assert.True(cpu.Workload("call-latency")!.Rate.Median >= 0);
        Assert.True(cpu.Workload("op-latency")!.Rate.Median > 0);
    }

    [Fact]
    public void Apply_Calibrated_ReplacesThePeaksAndKeepsTheDatasheetInTheSource()
    {
        using var folder = new TemporaryDirectory();
        using var registry = new DeviceRegistry([new CpuDeviceProvider()], NullLogger<DeviceRegistry>.Instance);
        var cache = Cache(registry, folder.Path);
        var info = registry.Devices.Single(d => d.Kind == DeviceKind.Cpu);
        Assert.Same(info, cache.Apply(info));

        var calibration = cache.GetOrCalibrate(false, null, out _).For("cpu")!;
        var applied = cache.Apply(info);

        // The ceilings are the best passes, as STREAM and ERT report them.
        Assert.Equal(calibration.ComputeFor("fp32")!.Measured!.High, applied.PeakFlopsPerSecond);
        Assert.Equal(calibration.Bandwidth!.High, applied.PeakBandwidthBytesPerSecond);
        Assert.StartsWith("calibrated ", applied.PeakSource, StringComparison.Ordinal);
        Assert.EndsWith("datasheet: " + info.PeakSource, applied.PeakSource, StringComparison.Ordinal);

        // The block-quantized types, which the CPU multiplies as int8, sit under the measured int8 roof where there is one.
        if (calibration.ComputeFor("int8")?.Measured is { } int8)
        {
            foreach (var type in new[] { DataType.Q8_0, DataType.Q4_0, DataType.Q4_K, DataType.Q6_K })
            {
                Assert.Equal(int8.High, applied.PeakFlopsFor(type));
            }
        }
        else
        {
            Assert.Equal(info.PeakFlopsFor(DataType.Q4_K), applied.PeakFlopsFor(DataType.Q4_K));
        }
    }

    [Fact]
    public void Recheck_MeasuresAgainTheRatesAPredictionInItsPrecisionUsesAndKeepsTheRestAndTheFile()
    {
        using var folder = new TemporaryDirectory();
        using var registry = new DeviceRegistry([new CpuDeviceProvider()], NullLogger<DeviceRegistry>.Instance);
        var cache = Cache(registry, folder.Path);
        Assert.Null(cache.Recheck("cpu", "q8_0"));
        var calibrated = cache.GetOrCalibrate(false, null, out _).For("cpu")!;
        var saved = File.ReadAllText(cache.FilePath);

        var now = cache.Recheck("cpu", "q8_0")!;

        string[] remeasured = ["prefill-gemm/fp32", "prefill-gemm-narrow/fp32", "prefill-gemm-short/fp32", "prefill-attention/fp32", "prefill-elementwise/fp32", "decode-bandwidth/fp32", "decode-bandwidth-narrow/fp32", "decode-bandwidth/q8_0", "decode-bandwidth-narrow/q8_0", "prefill-gemm/q8_0"];
        Assert.Equal(calibrated.Workloads.Select(w => $"{w.Kind}/{w.Precision}"), now.Workloads.Select(w => $"{w.Kind}/{w.Precision}"));
        foreach (var (before, again) in calibrated.Workloads.Zip(now.Workloads))
        {
            if (remeasured.Contains($"{before.Kind}/{before.Precision}"))
            {
                Assert.NotSame(before, again);
                Assert.True(again.Rate.High > 0 && again.Rate.Low <= again.Rate.High, $"{again.Kind} {again.Precision}: {again.Rate}");
            }
            else
            {
                Assert.Same(before, again);
            }
        }

        Assert.Same(calibrated.Compute, now.Compute);
        Assert.Equal(saved, File.ReadAllText(cache.FilePath));
        Assert.True(now.MeasuredAt >= calibrated.MeasuredAt);
    }

    [Fact]
    public void Between_AveragesTheRatesThatWereMeasuredTwiceAndWidensTheirRange()
    {
        WorkloadCeiling Ceiling(string kind, double median, double low, double high) => new(kind, "fp32", new MeasuredRate(median, low, high, 3), "probe");
        var before = new DeviceCalibration
        {
            DeviceId = "cpu", DeviceName = "cpu", Kind = "cpu", MeasuredAt = DateTimeOffset.UnixEpoch,
            Workloads = [Ceiling("decode-bandwidth", 40e9, 30e9, 50e9), Ceiling("call-latency", 1e-5, 0, 2e-5)],
        };
        var latency = before.Workloads[1];
        var after = before with { Workloads = [Ceiling("decode-bandwidth", 60e9, 55e9, 70e9), latency] };

        var between = DeviceCalibration.Between(before, after);

        var decode = between.Workload("decode-bandwidth")!;
        Assert.Equal(new MeasuredRate(50e9, 30e9, 60e9, 6), decode.Rate);
        // A streaming rate's figure is its median pass.
        Assert.Equal(50e9, decode.Value);
        Assert.EndsWith("before and after", decode.Source, StringComparison.Ordinal);
        Assert.Same(latency, between.Workload("call-latency"));
    }

    private static CalibrationCache Cache(DeviceRegistry registry, string folder) =>
        new(registry, Options.Create(new CalibrationOptions { Directory = folder, PassSeconds = 0.005, Repetitions = 3, BandwidthMiB = 4 }), TimeProvider.System);
}

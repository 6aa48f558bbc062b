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
    }

    private static CalibrationCache Cache(DeviceRegistry registry, string folder) =>
        new(registry, Options.Create(new CalibrationOptions { Directory = folder, PassSeconds = 0.005, Repetitions = 3, BandwidthMiB = 4 }), TimeProvider.System);
}

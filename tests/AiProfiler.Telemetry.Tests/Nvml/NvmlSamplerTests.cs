using System.Runtime.InteropServices;
using AiProfiler.Telemetry.Nvml;
using AiProfiler.Telemetry.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AiProfiler.Telemetry.Tests.Nvml;

public sealed class NvmlSamplerTests
{
    private readonly CapturingLogger _logger = new();

    [Fact]
    public void Start_LibraryAbsent_ReturnsReasonNamingTheLibrary()
    {
        if (NativeLibrary.TryLoad(NvmlLibrary.DefaultCandidates[0], out var driver))
        {
            // The first NVML library loaded serves the whole process, so an absent name cannot be shown next to a real one.
            NativeLibrary.Free(driver);
            Assert.Skip("the NVIDIA driver is installed here, so the absent-library path cannot be shown");
        }

        using var sampler = new NvmlSampler(() => NvmlNativeApi.Open(["libnvidia-ml-absent.so.1"]), Fixtures.ProcRoot, _logger);

        Assert.Equal("libnvidia-ml-absent.so.1 not found (no NVIDIA driver)", sampler.Start());
    }

    [Fact]
    public void Start_DefaultLibraryOnAMachineWithoutDriver_ReturnsTheDriverReason()
    {
        if (NativeLibrary.TryLoad(NvmlLibrary.DefaultCandidates[0], out var handle))
        {
            NativeLibrary.Free(handle);
            Assert.Skip("the NVIDIA driver is installed here, so the absent-library path cannot be shown with the real name");
        }

        using var sampler = new NvmlSampler(Fixtures.ProcRoot, new CapturingLogger<NvmlSampler>());

        Assert.Equal($"{NvmlLibrary.DefaultCandidates[0]} not found (no NVIDIA driver)", sampler.Start());
    }

    [Fact]
    public void Start_InitFails_ReturnsTheDescribedCode()
    {
        var api = new FakeNvmlApi(new FakeGpu()) { InitResult = NvmlReturn.DriverNotLoaded };
        using var sampler = Sampler(api);

        Assert.Equal("nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED (9): the NVIDIA driver is not loaded", sampler.Start());
    }

    [Fact]
    public void Start_NoGpu_ReturnsReasonAndShutsNvmlDown()
    {
        var api = new FakeNvmlApi();
        using var sampler = Sampler(api);

        Assert.Equal("no NVIDIA GPU found", sampler.Start());
        Assert.Equal(1, api.Shutdowns);
    }

    [Fact]
    public void Collect_OneGpu_WritesRecordedValuesInBaseUnits()
    {
        using var sampler = Sampler(new FakeNvmlApi(new FakeGpu()));
        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        var info = Assert.Single(writer.Named("gpu_info"));
        Assert.Equal(1, info.Value);
        Assert.True(info.Has(("gpu", "0"), ("uuid", "GPU-00000000-1111-2222-3333-444444444444"), ("name", "NVIDIA H100 80GB HBM3"), ("pci_bus_id", "00000000:17:00.0"), ("driver_version", "550.54.15")));
        Assert.Equal(0.87, writer.Value("gpu_utilization", ("gpu", "0")), 12);
        Assert.Equal(0.42, writer.Value("gpu_memory_utilization", ("gpu", "0")), 12);
        Assert.Equal(85_520_809_984, writer.Value("gpu_memory_total", ("gpu", "0")));
        Assert.Equal(20_000_000_000, writer.Value("gpu_memory_used", ("gpu", "0")));
        Assert.Equal(65_520_809_984, writer.Value("gpu_memory_free", ("gpu", "0")));
        Assert.Equal(567_345_152, writer.Value("gpu_memory_reserved", ("gpu", "0")));
        Assert.Equal(312.456, writer.Value("gpu_power", ("gpu", "0")), 9);
        Assert.Equal(700, writer.Value("gpu_power_limit", ("gpu", "0")));
        var energy = Assert.Single(writer.Named("gpu_energy"));
        Assert.True(energy.IsCounter);
        Assert.Equal("J", energy.Unit);
        FloatAssert.Relative(123_456.789, energy.Value);
        Assert.Equal(64, writer.Value("gpu_temperature", ("gpu", "0")));
        Assert.Equal(1.98e9, writer.Value("gpu_clock", ("gpu", "0"), ("clock", "sm")));
        Assert.Equal(2.619e9, writer.Value("gpu_clock_max", ("gpu", "0"), ("clock", "memory")));
        Assert.Equal(1_024_000, writer.Value("gpu_pcie_throughput", ("gpu", "0"), ("direction", "rx")));
        Assert.Equal(256_000, writer.Value("gpu_pcie_throughput", ("gpu", "0"), ("direction", "tx")));
        Assert.Equal(0.45, writer.Value("gpu_fan_speed", ("gpu", "0")), 12);
        Assert.Equal(0, writer.Value("gpu_lost", ("gpu", "0")));
    }

    [Fact]
    public void Collect_ClockEventReasons_OneSeriesPerReasonWithActiveOnesAtOne()
    {
        using var sampler = Sampler(new FakeNvmlApi(new FakeGpu { ClockEventReasons = 0x44 }));
        sampler.Start();
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        var reasons = writer.Named("gpu_clock_event_reason").ToDictionary(p => p.Labels["reason"], p => p.Value);
        Assert.Equal(9, reasons.Count);
        Assert.Equal(["hw_thermal_slowdown", "sw_power_cap"], reasons.Where(r => r.Value == 1).Select(r => r.Key).Order());
    }

    [Fact]
    public void Collect_ComputeProcesses_NamedFromProcCommAndUnknownOtherwise()
    {
        using var sampler = Sampler(new FakeNvmlApi(new FakeGpu()));
        sampler.Start();
        var writer = new RecordingWriter();

        sampler.Collect(writer);

        var processes = writer.Named("gpu_process_memory_used").ToList();
        Assert.Equal(2, processes.Count);
        Assert.Equal(1_073_741_824, writer.Value("gpu_process_memory_used", ("pid", "4242"), ("process", "python3")));
        Assert.Equal(2_147_483_648, writer.Value("gpu_process_memory_used", ("pid", "999999"), ("process", "unknown")));
    }

    [Fact]
    public void Collect_NotSupportedFields_AreAbsentSilentlyAndNotAskedAgain()
    {
        var gpu = new FakeGpu { Memory = new NvmlMemoryInfo(1000, 400, 600, null) };
        gpu.Failures["GetFanSpeed"] = NvmlReturn.NotSupported;
        gpu.Failures["GetTotalEnergyConsumption"] = NvmlReturn.NotSupported;
        var api = new FakeNvmlApi(gpu);
        using var sampler = Sampler(api);
        sampler.Start();
        var writer = new RecordingWriter();

        sampler.Collect(new RecordingWriter());
        sampler.Collect(writer);

        Assert.Empty(writer.Named("gpu_fan_speed"));
        Assert.Empty(writer.Named("gpu_energy"));
        Assert.Empty(writer.Named("gpu_memory_reserved"));
        Assert.Equal(400, writer.Value("gpu_memory_used", ("gpu", "0")));
        Assert.Equal(1, api.Calls["GetFanSpeed"]);
        Assert.Equal(2, api.Calls["GetTemperature"]);
        Assert.Empty(_logger.Messages);
    }

    [Fact]
    public void Collect_GpuLostOnOneOfTwo_ReportsItOnceAndKeepsServingTheOther()
    {
        var healthy = new FakeGpu();
        var failing = new FakeGpu { Uuid = "GPU-lost", BusId = "00000000:65:00.0" };
        var api = new FakeNvmlApi(healthy, failing);
        using var sampler = Sampler(api);
        sampler.Start();
        sampler.Collect(new RecordingWriter());

        failing.Lost = true;
        sampler.Collect(new RecordingWriter());
        var callsAfterLoss = api.Calls["GetUtilization"];
        var writer = new RecordingWriter();
        sampler.Collect(writer);

        Assert.Equal(0, writer.Value("gpu_lost", ("gpu", "0")));
        Assert.Equal(1, writer.Value("gpu_lost", ("gpu", "1")));
        Assert.Equal(0.87, writer.Value("gpu_utilization", ("gpu", "0")), 12);
        Assert.DoesNotContain(writer.Points, p => p.Name != "gpu_lost" && p.Has(("gpu", "1")));
        Assert.Equal(callsAfterLoss + 1, api.Calls["GetUtilization"]);
        var error = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Equal(
            "GPU 1 (GPU-lost) is lost (utilization: NVML_ERROR_GPU_IS_LOST (15): the GPU has fallen off the bus or has otherwise become inaccessible); it is reported in aiprofiler_gpu_lost and no longer queried, the other GPUs are still sampled",
            error.Message);
    }

    [Fact]
    public void Start_GpuLostBeforeStart_ReportedLostFromTheFirstCollection()
    {
        var api = new FakeNvmlApi(new FakeGpu(), new FakeGpu { Lost = true });
        using var sampler = Sampler(api);

        Assert.Null(sampler.Start());
        var writer = new RecordingWriter();
        sampler.Collect(writer);

        Assert.Equal(1, writer.Value("gpu_lost", ("gpu", "1")));
        Assert.Single(writer.Named("gpu_info"));
    }

    [Fact]
    public void Collect_FieldFailsWithOtherError_LoggedOnceAndAbsent()
    {
        var gpu = new FakeGpu();
        gpu.Failures["GetComputeProcesses"] = NvmlReturn.NoPermission;
        using var sampler = Sampler(new FakeNvmlApi(gpu));
        sampler.Start();
        var writer = new RecordingWriter();

        sampler.Collect(writer);
        sampler.Collect(writer);
        sampler.Collect(writer);

        Assert.Empty(writer.Named("gpu_process_memory_used"));
        Assert.Equal(
            "GPU 0: reading processes failed: NVML_ERROR_NO_PERMISSION (4): the current user does not have permission for the operation; the field is left out while it fails",
            Assert.Single(_logger.Messages));
    }

    [Fact]
    public void Collect_GpmSupported_WritesRatiosFromTheSecondCollectionOn()
    {
        var gpu = new FakeGpu
        {
            GpmSupported = true,
            Gpm = new()
            {
                [NvmlGpmMetricId.SmUtil] = 93.5,
                [NvmlGpmMetricId.SmOccupancy] = 61,
                [NvmlGpmMetricId.AnyTensorUtil] = 70,
                [NvmlGpmMetricId.DramBwUtil] = 44,
                [NvmlGpmMetricId.Fp32Util] = 12,
                [NvmlGpmMetricId.Fp16Util] = 3,
            },
        };
        var api = new FakeNvmlApi(gpu);
        using var sampler = Sampler(api);
        sampler.Start();
        var first = new RecordingWriter();
        var second = new RecordingWriter();

        sampler.Collect(first);
        sampler.Collect(second);
        sampler.Collect(new RecordingWriter());

        Assert.Empty(first.Named("gpu_sm_utilization"));
        Assert.Equal(0.935, second.Value("gpu_sm_utilization", ("gpu", "0")), 12);
        Assert.Equal(0.61, second.Value("gpu_sm_occupancy", ("gpu", "0")), 12);
        Assert.Equal(0.70, second.Value("gpu_tensor_utilization", ("gpu", "0")), 12);
        Assert.Equal(0.44, second.Value("gpu_dram_bandwidth_utilization", ("gpu", "0")), 12);
        Assert.Equal(0.12, second.Value("gpu_fp32_utilization", ("gpu", "0")), 12);
        Assert.Equal(0.03, second.Value("gpu_fp16_utilization", ("gpu", "0")), 12);
        Assert.Empty(second.Named("gpu_fp64_utilization"));
        Assert.Equal(2, api.GpmPairs.Count);
        Assert.Equal(api.GpmPairs[0].Sample2, api.GpmPairs[1].Sample1);
    }

    [Fact]
    public void Dispose_AfterGpmSampling_FreesSamplesAndShutsDown()
    {
        var api = new FakeNvmlApi(new FakeGpu { GpmSupported = true });
        var sampler = Sampler(api);
        sampler.Start();
        sampler.Collect(new RecordingWriter());

        sampler.Dispose();
        sampler.Dispose();

        Assert.Empty(api.LiveSamples);
        Assert.Equal(1, api.Shutdowns);
    }

    private NvmlSampler Sampler(FakeNvmlApi api) => new(() => new NvmlOpenResult(api, null), Fixtures.ProcRoot, _logger);
}

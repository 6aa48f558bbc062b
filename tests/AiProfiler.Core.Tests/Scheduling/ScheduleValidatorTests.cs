using AiProfiler.Abstractions.Devices;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Scheduling;
using AiProfiler.Core.Tests.Plugins;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Tests.Scheduling;

public sealed class ScheduleValidatorTests : IDisposable
{
    private readonly TemporaryDirectory _plugins = new();
    private readonly PluginCatalog _catalog;
    private readonly DeviceRegistry _devices;

    public ScheduleValidatorTests()
    {
        PluginCompiler.CompileTo(_plugins.File("Good"), "Good", PluginCompiler.WorkloadSource("good"));
        _catalog = new PluginCatalog(Options.Create(new PluginCatalogOptions { Directory = _plugins.Path, HotReload = false }), NullLogger<PluginCatalog>.Instance);
        _catalog.LoadAll();
        _devices = new DeviceRegistry([new FakeProvider("cpu", null, 1), new FakeProvider("cuda", "libcuda.so.1 not found (no NVIDIA driver)", 0)], NullLogger<DeviceRegistry>.Instance);
    }

    public void Dispose()
    {
        _catalog.Dispose();
        _devices.Dispose();
        _plugins.Dispose();
    }

    [Fact]
    public void Validate_GoodJob_NoErrors()
    {
        Assert.Empty(ScheduleValidator.Validate(Schedule(Job("good", "cpu", ("size", "10"))), _catalog, _devices));
    }

    [Fact]
    public void Validate_UnavailableBackend_IsNotAStartupError()
    {
        Assert.Empty(ScheduleValidator.Validate(Schedule(Job("good", "cuda:0")), _catalog, _devices));
    }

    [Theory]
    [InlineData("gem", "cpu", "size", "10", "Schedule:Jobs:0:Workload: unknown workload 'gem'; loaded: good")]
    [InlineData("good", "cpu", "size", "0", "Schedule:Jobs:0:Parameters:size: parameter 'size' of workload 'good' is 0, outside integer 1..100")]
    [InlineData("good", "cpu", "size", "big", "Schedule:Jobs:0:Parameters:size: parameter 'size' of workload 'good' must be an integer, got 'big'; accepted: integer 1..100")]
    [InlineData("good", "cpu", "sise", "3", "Schedule:Jobs:0:Parameters:sise: unknown parameter 'sise' for workload 'good'; known: size")]
    [InlineData("good", "gpu0", "size", "3", "Schedule:Jobs:0:Devices:0: 'gpu0' is not a device id; use cpu, opencl:N, cuda:N, ilgpu-cuda:N, ilgpu-opencl:N or ilgpu-cpu")]
    [InlineData("good", "opencl:0", "size", "3", "Schedule:Jobs:0:Devices:0: device 'opencl:0': no 'opencl' backend in this build; use one of cpu, cuda")]
    [InlineData("good", "cpu:3", "size", "3", "Schedule:Jobs:0:Devices:0: device 'cpu:3' not found; found: cpu")]
    public void Validate_BadJob_NamesTheKeyAndTheFix(string workload, string device, string parameter, string value, string expected)
    {
        var errors = ScheduleValidator.Validate(Schedule(Job(workload, device, (parameter, value))), _catalog, _devices);

        Assert.Equal(expected, Assert.Single(errors));
    }

    [Fact]
    public void Validate_OutOfRangeTimings_NameEachKey()
    {
        var job = Job("good", "cpu");
        job.IntervalSeconds = 0;
        job.Iterations = 0;

        var errors = ScheduleValidator.Validate(Schedule(job), _catalog, _devices);

        Assert.Equal(["Schedule:Jobs:0:IntervalSeconds: 0 is outside 1..86400", "Schedule:Jobs:0:Iterations: 0 is outside 1..100000"], errors);
    }

    private static ScheduleOptions Schedule(params ScheduledJobOptions[] jobs)
    {
        var options = new ScheduleOptions();
        foreach (var job in jobs)
        {
            options.Jobs.Add(job);
        }

        return options;
    }

    private static ScheduledJobOptions Job(string workload, string device, params (string Key, string Value)[] parameters)
    {
        var job = new ScheduledJobOptions { Workload = workload };
        job.Devices.Add(device);
        foreach (var (key, value) in parameters)
        {
            job.Parameters[key] = value;
        }

        return job;
    }

    private sealed class FakeProvider(string prefix, string? unavailable, int count) : IDeviceProvider
    {
        public DeviceKind Kind => prefix == "cpu" ? DeviceKind.Cpu : DeviceKind.Cuda;

        public string Prefix => prefix;

        public DeviceDiscovery Discover() => unavailable is not null
            ? DeviceDiscovery.Unavailable(unavailable)
            : new DeviceDiscovery([.. Enumerable.Range(0, count).Select(i => new DeviceInfo { Id = prefix == "cpu" ? "cpu" : $"{prefix}:{i}", Kind = Kind, Name = "fake" })], null);

        public IDevice Open(int index) => throw new NotSupportedException();
    }
}

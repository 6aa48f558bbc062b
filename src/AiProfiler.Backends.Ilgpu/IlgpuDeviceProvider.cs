using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Ilgpu.Gemm;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using IDevice = AiProfiler.Abstractions.Devices.IDevice;

namespace AiProfiler.Backends.Ilgpu;

/// <summary>
/// One ILGPU backend: <c>ilgpu-cuda:N</c>, <c>ilgpu-opencl:N</c> or <c>ilgpu-cpu</c>. Discovery opens a throw-away
/// ILGPU context; each opened device gets its own context and accelerator, disposed with the device. A missing driver,
/// no device, or devices ILGPU cannot drive are reported as the reason the backend is unavailable.
/// </summary>
public sealed class IlgpuDeviceProvider : IDeviceProvider
{
    /// <summary>The environment variable that picks the GEMM: <c>auto</c> (default), <c>tiled</c> or <c>cublas</c>.</summary>
    public const string GemmEnvironmentVariable = "AIPROFILER_ILGPU_GEMM";

    /// <summary>
    /// The emulator's shape: one warp of 2 threads on one multiprocessor, so every group is 2 items on 2 OS threads,
    /// the fewest ILGPU allows. Each group barrier waits for all of a group's threads, and with more threads than cores
    /// that wait dominates: the fine-tuning verification took 21 s with 2-item groups, 107 s with 4 and over 5 minutes
    /// with 16 (2-core VM, busy).
    /// </summary>
    private static readonly CPUDevice Emulator = new(2, 1, 1);

    private readonly IlgpuTarget _target;
    private readonly IlgpuGemmChoice _gemm;
    private readonly string? _gemmError;
    private readonly Lazy<DeviceDiscovery> _found;

    /// <summary>Creates the provider for <paramref name="target"/>, with the GEMM from <see cref="GemmEnvironmentVariable"/>.</summary>
    public IlgpuDeviceProvider(IlgpuTarget target)
        : this(target, IlgpuGemmChoice.Auto)
    {
        var setting = Environment.GetEnvironmentVariable(GemmEnvironmentVariable);
        if (!string.IsNullOrEmpty(setting))
        {
            if (Enum.TryParse<IlgpuGemmChoice>(setting, ignoreCase: true, out var choice) && Enum.IsDefined(choice))
            {
                _gemm = choice;
            }
            else
            {
                _gemmError = $"{GemmEnvironmentVariable}='{setting}' is not a GEMM choice; use auto, tiled or cublas";
            }
        }
    }

    /// <summary>Creates the provider for <paramref name="target"/> with an explicit GEMM choice.</summary>
    public IlgpuDeviceProvider(IlgpuTarget target, IlgpuGemmChoice gemm)
    {
        _target = target;
        _gemm = gemm;
        _found = new(Find);
    }

    /// <inheritdoc />
    public DeviceKind Kind => _target switch
    {
        IlgpuTarget.Cuda => DeviceKind.Cuda,
        IlgpuTarget.OpenCL => DeviceKind.OpenCL,
        _ => DeviceKind.Cpu,
    };

    /// <inheritdoc />
    public string Prefix => PrefixOf(_target);

    /// <summary>The id prefix of <paramref name="target"/>'s devices.</summary>
    public static string PrefixOf(IlgpuTarget target) => target switch
    {
        IlgpuTarget.Cuda => "ilgpu-cuda",
        IlgpuTarget.OpenCL => "ilgpu-opencl",
        _ => "ilgpu-cpu",
    };

    /// <inheritdoc />
    public DeviceDiscovery Discover() => _found.Value;

    /// <inheritdoc />
    public IDevice Open(int index)
    {
        var discovery = _found.Value;
        if (discovery.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"{Prefix} is unavailable: {reason}");
        }

        if (index < 0 || index >= discovery.Devices.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, string.Create(CultureInfo.InvariantCulture,
                $"{Prefix} has {discovery.Devices.Count} device(s); use an index from 0 to {discovery.Devices.Count - 1}"));
        }

        var context = CreateContext();
        try
        {
            var accelerator = Devices(context)[index].CreateAccelerator(context);
            return new IlgpuDevice(discovery.Devices[index], context, accelerator, _gemm);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private DeviceDiscovery Find()
    {
        if (_gemmError is not null)
        {
            return DeviceDiscovery.Unavailable(_gemmError);
        }

        if (IlgpuNativeLibraries.EnsureInstalled() is { } resolverError && _target != IlgpuTarget.Cpu)
        {
            return DeviceDiscovery.Unavailable($"cannot map ILGPU's native library names: {resolverError}");
        }

        if (_target == IlgpuTarget.Cuda && !IlgpuNativeLibraries.DriverLoads("cuda"))
        {
            return DeviceDiscovery.Unavailable($"{IlgpuNativeLibraries.DriverFile("cuda")} not found (no NVIDIA driver)");
        }

        if (_target == IlgpuTarget.OpenCL && !IlgpuNativeLibraries.DriverLoads("OpenCL"))
        {
            return DeviceDiscovery.Unavailable($"{IlgpuNativeLibraries.DriverFile("OpenCL")} not found (install an OpenCL ICD loader and driver)");
        }

        using var context = CreateContext();
        var devices = Devices(context);
        if (devices.Count == 0)
        {
            return DeviceDiscovery.Unavailable(NoDeviceReason(context));
        }

        return new DeviceDiscovery(devices.Select((d, i) => Describe(d, i)).ToArray(), null);
    }

    private Context CreateContext() => Context.Create(builder =>
    {
        _ = _target switch
        {
            IlgpuTarget.Cuda => builder.Cuda(),
            IlgpuTarget.OpenCL => builder.OpenCL(SupportsGenericAddressSpace),
            _ => builder.CPU(Emulator),
        };
        builder.EnableAlgorithms().Profiling().Optimize(OptimizationLevel.O2);
    });

    private List<Device> Devices(Context context)
    {
        var devices = new List<Device>();
        foreach (var device in context)
        {
            var type = device.AcceleratorType;
            if (type == (_target switch { IlgpuTarget.Cuda => AcceleratorType.Cuda, IlgpuTarget.OpenCL => AcceleratorType.OpenCL, _ => AcceleratorType.CPU }))
            {
                devices.Add(device);
            }
        }

        return devices;
    }

    /// <summary>ILGPU's OpenCL backend needs generic address space (OpenCL 2.0); PoCL 3.1, for one, does not offer it.</summary>
    private static bool SupportsGenericAddressSpace(CLDevice device) => device.Capabilities.GenericAddressSpace;

    private string NoDeviceReason(Context context)
    {
        if (_target == IlgpuTarget.Cuda)
        {
            return "the NVIDIA driver reports no CUDA device";
        }

        // Enumerate again without the filter to name what was found and why ILGPU cannot drive it.
        using var all = Context.Create(builder => builder.OpenCL(_ => true));
        var found = new List<CLDevice>();
        foreach (var device in all.GetCLDevices())
        {
            found.Add(device);
        }

        if (found.Count == 0)
        {
            return "no OpenCL platform or device found (install an OpenCL driver, e.g. pocl-opencl-icd)";
        }

        _ = context;
        return $"no OpenCL device with generic address space support (OpenCL 2.0), which ILGPU requires: {string.Join("; ", found.Select(d => $"'{d.Name}' ({d.PlatformName}, {d.DeviceVersion})"))}: GenericAddressSpace feature is not supported on this device";
    }

    private DeviceInfo Describe(Device device, int index)
    {
        var info = new DeviceInfo
        {
            Id = _target == IlgpuTarget.Cpu ? Prefix : string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{index}"),
            Kind = Kind,
            Name = device.Name,
            MemoryBytes = device.MemorySize,
            ComputeUnits = device.NumMultiprocessors,
        };
        switch (device)
        {
            case CudaDevice cuda:
                var peak = IlgpuPeakEstimate.Cuda(cuda);
                return info with
                {
                    Vendor = "NVIDIA",
                    DriverVersion = cuda.DriverVersion.ToString(),
                    ClockHz = peak.ClockHz,
                    PeakFlopsPerSecond = peak.Flops,
                    PeakBandwidthBytesPerSecond = peak.Bandwidth,
                    PeakSource = peak.Source,
                };
            case CLDevice cl:
                var (clFlops, clSource) = IlgpuPeakEstimate.OpenCL(cl);
                return info with
                {
                    Vendor = cl.VendorName,
                    DriverVersion = cl.DeviceVersion.ToString(),
                    ClockHz = cl.ClockRate * 1e6,
                    PeakFlopsPerSecond = clFlops,
                    PeakSource = clSource,
                };
            default:
                return info with
                {
                    Name = "ILGPU CPU emulator",
                    Vendor = "ILGPU",
                    MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                    IsEmulator = true,
                    SharesHostMemory = true,
                    PeakSource = "emulator: runs kernels on OS threads to check them, so no peak is estimated and its timings say nothing about hardware",
                };
        }
    }
}

using System.Runtime.InteropServices;
using System.Text;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Devices;
using AiProfiler.Backends.Cuda.Gemm;
using AiProfiler.Backends.Cuda.Interop;
using AiProfiler.Backends.Cuda.Kernels;

namespace AiProfiler.Backends.Cuda;

/// <summary>
/// The CUDA backend: NVIDIA GPUs through the driver API, kernels compiled by NVRTC, GEMM by cuBLAS. Without the
/// driver, without a GPU, or without NVRTC it reports why (for example <c>libcuda.so.1 not found (no NVIDIA
/// driver)</c>) instead of throwing. Without cuBLAS the devices still work, with the portable tiled GEMM kernel
/// (reported as the GEMM implementation <c>tiled-kernel</c>).
/// </summary>
public sealed class CudaDeviceProvider : IDeviceProvider
{
    private readonly CudaLibraryNames _libraries;
    private readonly bool _tf32;
    private readonly Lock _lock = new();
    private Discovery? _discovery;

    /// <summary>Creates the provider with this platform's library names and true fp32 GEMMs.</summary>
    public CudaDeviceProvider()
        : this(CudaLibraryNames.Default)
    {
    }

    /// <summary>Creates the provider.</summary>
    /// <param name="libraries">The file names of the driver, NVRTC and cuBLAS.</param>
    /// <param name="useTf32ForFp32Gemm">Let fp32 GEMMs use TF32 tensor cores (faster, about 3 decimal digits per input); the GEMM implementation is then labelled <c>cublas-tf32</c>.</param>
    public CudaDeviceProvider(CudaLibraryNames libraries, bool useTf32ForFp32Gemm = false)
    {
        ArgumentNullException.ThrowIfNull(libraries);
        _libraries = libraries;
        _tf32 = useTf32ForFp32Gemm;
    }

    /// <inheritdoc />
    public DeviceKind Kind => DeviceKind.Cuda;

    /// <inheritdoc />
    public string Prefix => "cuda";

    /// <inheritdoc />
    public DeviceDiscovery Discover() => Discovered().Result;

    /// <inheritdoc />
    public IDevice Open(int index)
    {
        var discovery = Discovered();
        if (discovery.Result.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"cuda is unavailable: {reason}");
        }

        if (index < 0 || index >= discovery.Properties.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index,
                discovery.Properties.Count == 1
                    ? $"there is no device cuda:{index}; this machine has cuda:0 only"
                    : $"there is no device cuda:{index}; this machine has cuda:0 to cuda:{discovery.Properties.Count - 1}");
        }

        var properties = discovery.Properties[index];
        var architecture = NvrtcOptions.ChooseArchitecture(properties.Architecture, discovery.NvrtcArchitectures);
        var gemm = !discovery.HasCublas ? CudaGemmChoice.TiledKernel : _tf32 ? CudaGemmChoice.CublasTf32 : CudaGemmChoice.Cublas;
        return CudaDevice.Open(discovery.Result.Devices[index], properties, architecture, gemm);
    }

    private Discovery Discovered()
    {
        lock (_lock)
        {
            return _discovery ??= Discover(_libraries);
        }
    }

    private static Discovery Discover(CudaLibraryNames libraries)
    {
        try
        {
            if (CudaNativeLibraries.TryBind(CudaNativeLibraries.Driver, libraries.Driver, CudaDriverApi.EntryPoints) is { } driverFailure)
            {
                return Discovery.Unavailable(Reason(driverFailure, "no NVIDIA driver", "NVIDIA driver too old; CUDA 12 needs driver 525 or later"));
            }

            var init = CudaDriverApi.cuInit(0);
            if (init != CuResult.Success)
            {
                return Discovery.Unavailable($"no CUDA device: {CudaErrorText.DriverName((int)init, c => CudaErrorText.FromDriver(c))}");
            }

            CudaCheck.Driver(CudaDriverApi.cuDeviceGetCount(out var count), nameof(CudaDriverApi.cuDeviceGetCount));
            if (count == 0)
            {
                return Discovery.Unavailable($"no CUDA device: {CudaErrorText.DriverName((int)CuResult.ErrorNoDevice)}");
            }

            if (CudaNativeLibraries.TryBindFirst(CudaNativeLibraries.Nvrtc, libraries.Nvrtc, NvrtcApi.EntryPoints) is { } nvrtcFailure)
            {
                return Discovery.Unavailable(Reason(nvrtcFailure, "install NVRTC from the CUDA 12 or 13 toolkit, or put its folder on the library search path", "NVRTC too old; install the CUDA 12 or 13 one"));
            }

            // Without cuBLAS the portable GEMM kernel stands in; the run's GEMM label says which one ran.
            var hasCublas = CudaNativeLibraries.TryBindFirst(CudaNativeLibraries.Cublas, libraries.Cublas, CublasApi.EntryPoints) is null;

            CudaCheck.Driver(CudaDriverApi.cuDriverGetVersion(out var driverVersion), nameof(CudaDriverApi.cuDriverGetVersion));
            var properties = Enumerable.Range(0, count).Select(QueryDevice).ToArray();
            return new Discovery(
                new DeviceDiscovery(properties.Select(p => p.ToDeviceInfo(driverVersion)).ToArray(), null),
                properties,
                SupportedArchitectures(),
                hasCublas);
        }
        catch (Exception e) when (e is CudaException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return Discovery.Unavailable(e.Message);
        }
    }

    private static string Reason(LibraryLoadFailure failure, string whenMissing, string whenOld) =>
        failure.MissingExport is null
            ? $"{failure.FileName} not found ({whenMissing})"
            : $"{failure.FileName} does not export {failure.MissingExport} ({whenOld})";

    private static unsafe CudaDeviceProperties QueryDevice(int ordinal)
    {
        CudaCheck.Driver(CudaDriverApi.cuDeviceGet(out var device, ordinal), nameof(CudaDriverApi.cuDeviceGet));
        var name = stackalloc byte[256];
        CudaCheck.Driver(CudaDriverApi.cuDeviceGetName(name, 256, device), nameof(CudaDriverApi.cuDeviceGetName));
        CudaCheck.Driver(CudaDriverApi.cuDeviceTotalMem_v2(out var totalMemory, device), nameof(CudaDriverApi.cuDeviceTotalMem_v2));
        return new CudaDeviceProperties
        {
            Ordinal = device,
            Name = Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name)),
            TotalMemoryBytes = (long)totalMemory,
            ComputeCapabilityMajor = Attribute(CuDeviceAttribute.ComputeCapabilityMajor, device),
            ComputeCapabilityMinor = Attribute(CuDeviceAttribute.ComputeCapabilityMinor, device),
            MultiprocessorCount = Attribute(CuDeviceAttribute.MultiprocessorCount, device),
            ClockRateKHz = Attribute(CuDeviceAttribute.ClockRate, device),
            MemoryClockRateKHz = Attribute(CuDeviceAttribute.MemoryClockRate, device),
            MemoryBusWidthBits = Attribute(CuDeviceAttribute.GlobalMemoryBusWidth, device),
            MaxThreadsPerBlock = Attribute(CuDeviceAttribute.MaxThreadsPerBlock, device),
            MaxSharedMemoryPerBlock = Attribute(CuDeviceAttribute.MaxSharedMemoryPerBlock, device),
        };
    }

    private static int Attribute(CuDeviceAttribute attribute, int device)
    {
        CudaCheck.Driver(CudaDriverApi.cuDeviceGetAttribute(out var value, attribute, device), $"cuDeviceGetAttribute({attribute})");
        return value;
    }

    private static unsafe int[] SupportedArchitectures()
    {
        if (NvrtcApi.nvrtcGetNumSupportedArchs(out var count) != NvrtcResult.Success || count <= 0)
        {
            return [];
        }

        var architectures = new int[count];
        fixed (int* p = architectures)
        {
            return NvrtcApi.nvrtcGetSupportedArchs(p) == NvrtcResult.Success ? architectures : [];
        }
    }

    private sealed record Discovery(
        DeviceDiscovery Result,
        IReadOnlyList<CudaDeviceProperties> Properties,
        IReadOnlyCollection<int> NvrtcArchitectures,
        bool HasCublas)
    {
        public static Discovery Unavailable(string reason) => new(DeviceDiscovery.Unavailable(reason), [], [], false);
    }
}

using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;
using AiProfiler.Backends.Cuda;
using AiProfiler.Backends.OpenCL;

namespace AiProfiler.Testing;

/// <summary>
/// Devices for tests: CPU devices opened without the provider's start-up STREAM probe, and the accelerator the kernel
/// and workload tests run on: opencl:0 (PoCL in CI), or, on a machine with an NVIDIA GPU, the backend
/// <see cref="AcceleratorVariable"/> names, so the same tests check the kernels on real hardware.
/// </summary>
public static class TestDevices
{
    /// <summary>The environment variable naming the accelerator backend the tests use: <c>opencl</c> (the default) or
    /// <c>cuda</c>, the two backends that run the portable kernels. Device 0 of that backend stands in for "opencl:0"
    /// in every test. (ILGPU's kernels are C#, with their own tests in AiProfiler.Backends.Ilgpu.Tests.)</summary>
    public const string AcceleratorVariable = "AIPROFILER_TEST_ACCELERATOR";

    // One provider for the test run: a second OpenCL provider's platform discovery in the same process can find no
    // PoCL device while the first one is busy compiling.
    private static readonly Lazy<IDeviceProvider> OpenClProvider = new(() => AcceleratorProvider(forceTiledGemm: false));

    /// <summary>The provider <see cref="AcceleratorVariable"/> names, checked to have a device.</summary>
    /// <param name="forceTiledGemm">Use the portable tiled GEMM kernel instead of the vendor library (CLBlast,
    /// cuBLAS).</param>
    public static IDeviceProvider AcceleratorProvider(bool forceTiledGemm)
    {
        var backend = Environment.GetEnvironmentVariable(AcceleratorVariable);
        IDeviceProvider provider = (string.IsNullOrEmpty(backend) ? "opencl" : backend) switch
        {
            "opencl" => new OpenClDeviceProvider(new OpenClOptions { ForceTiledGemm = forceTiledGemm }),
            // Without cuBLAS the CUDA devices run GEMM on the portable tiled kernel.
            "cuda" => new CudaDeviceProvider(forceTiledGemm ? CudaLibraryNames.Default with { Cublas = [] } : CudaLibraryNames.Default),
            var other => throw new InvalidOperationException(
                $"{AcceleratorVariable}={other} is not a test accelerator; use opencl or cuda"),
        };
        if (provider.Discover().UnavailableReason is { } reason)
        {
            // PoCL is installed by test.sh, so its absence is a broken environment to report, not a reason to skip.
            throw new InvalidOperationException($"these tests run on {provider.Prefix}:0 (OpenCL through PoCL in CI), which is unavailable here: {reason}");
        }

        return provider;
    }

    // One OpenCL device for the test run: PoCL compiles each kernel on first use, which is slow on two cores.
    private static readonly Lazy<IDevice> OpenClDevice = new(() => OpenClProvider.Value.Open(0));

    /// <summary>A fresh CPU device with the given GEMM engine, host memory limit and fp32 peak.</summary>
    public static CpuDevice Cpu(string gemm = "auto", long? hostAvailableBytes = null, double peakFlopsPerSecond = 0) => new(
        new DeviceInfo { Id = "cpu", Kind = DeviceKind.Cpu, Name = "test cpu", PeakFlopsPerSecond = peakFlopsPerSecond },
        CpuGemmEngine.Create(gemm),
        hostAvailableBytes is { } bytes ? () => bytes : null);

    /// <summary>
    /// The xunit collection of every test class that uses <see cref="OpenCl"/>: a device runs one thing at a time (the
    /// agent's scheduler never shares one between runs), so classes that share it must not run in parallel.
    /// </summary>
    public const string SharedOpenClCollection = "shared opencl:0";

    /// <summary>The shared <c>opencl:0</c> device; do not dispose it. Its test classes belong to <see cref="SharedOpenClCollection"/>.</summary>
    public static IDevice OpenCl() => OpenClDevice.Value;

    /// <summary>A new <c>opencl:0</c> device of its own, for a test that disposes it.</summary>
    public static IDevice NewOpenCl() => OpenClProvider.Value.Open(0);
}

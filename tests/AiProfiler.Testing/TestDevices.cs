using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cpu;
using AiProfiler.Backends.OpenCL;

namespace AiProfiler.Testing;

/// <summary>Devices for tests: CPU devices opened without the provider's start-up STREAM probe, and opencl:0 (PoCL in CI).</summary>
public static class TestDevices
{
    // One OpenCL provider for the test run: a second provider's platform discovery in the same process can find no
    // PoCL device while the first one is busy compiling.
    private static readonly Lazy<OpenClDeviceProvider> OpenClProvider = new(() =>
    {
        var provider = new OpenClDeviceProvider(new OpenClOptions());
        if (provider.Discover().UnavailableReason is { } reason)
        {
            // PoCL is installed by test.sh, so its absence is a broken environment to report, not a reason to skip.
            throw new InvalidOperationException($"these tests run on OpenCL (PoCL in CI), which is unavailable here: {reason}");
        }

        return provider;
    });

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

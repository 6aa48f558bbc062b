using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>One <c>ilgpu-cpu</c> device for the test run: kernels are compiled once per device, as in the agent.</summary>
internal static class IlgpuTestDevices
{
    private static readonly Lazy<IDevice> Emulator = new(() => new IlgpuDeviceProvider(IlgpuTarget.Cpu, Gemm.IlgpuGemmChoice.Auto).Open(0));

    /// <summary>The shared <c>ilgpu-cpu</c> device; do not dispose it.</summary>
    public static IDevice Cpu() => Emulator.Value;
}

using AiProfiler.Abstractions.Devices;
using AiProfiler.Testing;

namespace AiProfiler.Abstractions.Tests.Devices;

/// <summary>The backends whose argument checks are compared: the CPU and opencl:0 (PoCL in CI).</summary>
internal static class BackendDevices
{
    private static readonly Lazy<IDevice> Cpu = new(() => TestDevices.Cpu());

    public static TheoryData<string> Names => ["cpu", "opencl"];

    /// <summary>The shared device of a backend; do not dispose it.</summary>
    public static IDevice Get(string name) => name == "cpu" ? Cpu.Value : TestDevices.OpenCl();

    /// <summary>A device of the other backend, for buffers that do not belong to <paramref name="name"/>'s device.</summary>
    public static IDevice Other(string name) => Get(name == "cpu" ? "opencl" : "cpu");
}

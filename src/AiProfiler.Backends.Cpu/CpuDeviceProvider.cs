using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// The CPU backend: always one device, <c>cpu</c>. GEMM runs the managed packed kernel or OpenBLAS, whichever a short
/// probe measures faster at start-up (<see cref="CpuGemmEngine"/>); <c>AIPROFILER_CPU_GEMM=simd</c> or <c>openblas</c>
/// forces one. The device's driver field names the choice and the probe's figures.
/// </summary>
public sealed class CpuDeviceProvider : IDeviceProvider
{
    private readonly Lazy<(DeviceInfo Info, CpuGemmEngine Gemm)> _probe;

    /// <summary>
    /// Creates the provider; probing (CPU identity, a short STREAM triad) happens on first use, unless
    /// <paramref name="known"/> already describes the CPU (a worker process is handed the agent's measurement).
    /// </summary>
    public CpuDeviceProvider(string? gemmPreference = null, DeviceInfo? known = null)
    {
        var preference = gemmPreference ?? Environment.GetEnvironmentVariable("AIPROFILER_CPU_GEMM") ?? "auto";
        _probe = new Lazy<(DeviceInfo, CpuGemmEngine)>(() =>
        {
            var gemm = CpuGemmEngine.Create(preference);
            return (known ?? CpuInfoReader.Describe(gemm.Name == "simd" ? $"{gemm.Selection}, kernel {CpuGemmEngine.ManagedKernel}" : gemm.Selection), gemm);
        });
    }

    /// <inheritdoc />
    public DeviceKind Kind => DeviceKind.Cpu;

    /// <inheritdoc />
    public string Prefix => "cpu";

    /// <inheritdoc />
    public DeviceDiscovery Discover() => new([_probe.Value.Info], null);

    /// <inheritdoc />
    public IDevice Open(int index)
    {
        if (index != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"there is one CPU device, 'cpu'; got index {index}");
        }

        return new CpuDevice(_probe.Value.Info, _probe.Value.Gemm);
    }
}

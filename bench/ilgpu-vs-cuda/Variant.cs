using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Bench.IlgpuVsCuda;

/// <summary>One implementation to time: a label, its device, and one call over buffers of that device (GEMM: A, B, C; attention: Q, K, V, O).</summary>
internal sealed record Variant(string Label, IDevice Device, Action<IDeviceBuffer[]> Call);

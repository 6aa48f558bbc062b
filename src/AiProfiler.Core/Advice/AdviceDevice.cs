using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Advice;

/// <summary>A device the advisor predicts for: its calibration, the memory free on it now, and what it cannot run.</summary>
/// <param name="Calibration">The device's measured ceilings.</param>
/// <param name="AvailableBytes">Memory free for the model now.</param>
/// <param name="UnsupportedPrecisions">Precisions the device cannot compute in (e.g. bf16 GEMM on a device without it).</param>
public sealed record AdviceDevice(DeviceCalibration Calibration, long AvailableBytes, IReadOnlySet<string> UnsupportedPrecisions);

namespace AiProfiler.Backends.Ilgpu;

/// <summary>A CUDA device's clock and estimated peaks, as <see cref="IlgpuPeakEstimate"/> derives them.</summary>
internal readonly record struct IlgpuCudaPeak(double ClockHz, double Flops, double Bandwidth, string Source);

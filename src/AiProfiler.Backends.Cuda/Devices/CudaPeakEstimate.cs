namespace AiProfiler.Backends.Cuda.Devices;

/// <summary>Estimated peaks of one device.</summary>
/// <param name="Fp32FlopsPerSecond">FP32 FMA throughput on the CUDA cores.</param>
/// <param name="TensorFlopsPerSecond">Dense fp16/bf16 tensor-core throughput, null when the architecture has none.</param>
/// <param name="BandwidthBytesPerSecond">DRAM bandwidth.</param>
/// <param name="Source">How the figures were obtained.</param>
internal sealed record CudaPeakEstimate(double Fp32FlopsPerSecond, double? TensorFlopsPerSecond, double BandwidthBytesPerSecond, string Source);

namespace AiProfiler.Telemetry.Nvml;

/// <summary>The nvmlGpmMetricId_t values (nvml.h) the sampler asks for; each is a percentage 0.0-100.0.</summary>
internal enum NvmlGpmMetricId
{
    SmUtil = 2,
    SmOccupancy = 3,
    AnyTensorUtil = 5,
    DramBwUtil = 10,
    Fp64Util = 11,
    Fp32Util = 12,
    Fp16Util = 13,
}

namespace AiProfiler.Core.Calibration;

/// <summary>
/// The accelerator's fp32 ceiling: every work-item runs eight independent FMA chains on registers, written once in the
/// portable dialect so OpenCL and CUDA devices are measured with the same source.
/// </summary>
internal static class AcceleratorFmaKernel
{
    public const string Name = "aip_fma_peak";

    /// <summary>FLOPs per work-item per iteration: eight FMAs of two FLOPs.</summary>
    public const int FlopsPerIteration = 16;

    // acc = acc * m + a converges to 1, so any iteration count stays finite and normal.
    public const string Source = """
        KERNEL void aip_fma_peak(GLOBAL float* out, int iterations)
        {
            const int id = GLOBAL_ID(0);
            const float m = 0.999f;
            const float a = 0.001f;
            float c0 = 1.0f + id * 1e-7f, c1 = c0 + 1e-3f, c2 = c0 + 2e-3f, c3 = c0 + 3e-3f;
            float c4 = c0 + 4e-3f, c5 = c0 + 5e-3f, c6 = c0 + 6e-3f, c7 = c0 + 7e-3f;
            for (int i = 0; i < iterations; i++)
            {
                c0 = fma(c0, m, a); c1 = fma(c1, m, a); c2 = fma(c2, m, a); c3 = fma(c3, m, a);
                c4 = fma(c4, m, a); c5 = fma(c5, m, a); c6 = fma(c6, m, a); c7 = fma(c7, m, a);
            }
            out[id] = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7;
        }
        """;
}

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>The scalars of one AdamW step, passed to the kernel as one argument (ILGPU kernels take at most 13).</summary>
internal readonly record struct AdamWScalars(
    float LearningRate, float Beta1, float Beta2, float Epsilon, float WeightDecay, float Correction1, float Correction2);

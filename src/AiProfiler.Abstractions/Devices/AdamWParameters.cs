namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// Hyper-parameters of one AdamW step (Loshchilov and Hutter): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
/// p −= lr·( (m/(1−β1^t)) / (√(v/(1−β2^t)) + ε) + λ·p ).
/// </summary>
/// <param name="LearningRate">lr.</param>
/// <param name="Beta1">β1.</param>
/// <param name="Beta2">β2.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="WeightDecay">λ (decoupled).</param>
/// <param name="Step">t, starting at 1.</param>
public readonly record struct AdamWParameters(float LearningRate, float Beta1, float Beta2, float Epsilon, float WeightDecay, int Step);

namespace AiProfiler.Abstractions.Devices;

/// <summary>Element-wise activation functions.</summary>
public enum ActivationKind
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>GELU, tanh approximation as in GPT-2: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    Gelu,

    /// <summary>x·sigmoid(x) (SiLU / swish).</summary>
    Silu,
}

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// Rotary frequency scaling. Llama 3's (<c>rope_scaling</c> with <c>rope_type: llama3</c>): wavelengths shorter than
/// original/high stay, longer than original/low are divided by the factor, and those between are blended smoothly.
/// Linear (<see cref="IsLinear"/>, GGUF <c>rope.scaling.type = linear</c>, Hugging Face <c>type: linear</c>): every
/// frequency is divided by the factor, which is the same as dividing the positions.
/// </summary>
/// <param name="Factor">Divisor of the low frequencies (linear: of all).</param>
/// <param name="LowFrequencyFactor">Sets the long-wavelength bound: original / low.</param>
/// <param name="HighFrequencyFactor">Sets the short-wavelength bound: original / high.</param>
/// <param name="OriginalContext">The context the model was pretrained with.</param>
internal sealed record RopeScaling(double Factor, double LowFrequencyFactor, double HighFrequencyFactor, int OriginalContext)
{
    /// <summary>Whether every frequency is divided by <see cref="Factor"/> (linear scaling) instead of Llama 3's blend.</summary>
    public bool IsLinear { get; init; }

    /// <summary>Linear scaling by <paramref name="factor"/>.</summary>
    public static RopeScaling LinearBy(double factor) => new(factor, 1, 1, 0) { IsLinear = true };

    /// <summary>The scaled frequency (radians per position).</summary>
    public double Scale(double frequency)
    {
        if (IsLinear)
        {
            return frequency / Factor;
        }

        var wavelength = 2 * Math.PI / frequency;
        var longest = OriginalContext / LowFrequencyFactor;
        var shortest = OriginalContext / HighFrequencyFactor;
        if (wavelength < shortest)
        {
            return frequency;
        }

        if (wavelength > longest)
        {
            return frequency / Factor;
        }

        var smooth = ((OriginalContext / wavelength) - LowFrequencyFactor) / (HighFrequencyFactor - LowFrequencyFactor);
        return ((1 - smooth) * frequency / Factor) + (smooth * frequency);
    }
}

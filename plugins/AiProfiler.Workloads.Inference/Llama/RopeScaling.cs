namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// Llama 3's rotary frequency scaling (<c>rope_scaling</c> with <c>rope_type: llama3</c>): wavelengths shorter than
/// original/high stay, longer than original/low are divided by the factor, and those between are blended smoothly.
/// </summary>
/// <param name="Factor">Divisor of the low frequencies.</param>
/// <param name="LowFrequencyFactor">Sets the long-wavelength bound: original / low.</param>
/// <param name="HighFrequencyFactor">Sets the short-wavelength bound: original / high.</param>
/// <param name="OriginalContext">The context the model was pretrained with.</param>
internal sealed record RopeScaling(double Factor, double LowFrequencyFactor, double HighFrequencyFactor, int OriginalContext)
{
    /// <summary>The scaled frequency (radians per position).</summary>
    public double Scale(double frequency)
    {
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

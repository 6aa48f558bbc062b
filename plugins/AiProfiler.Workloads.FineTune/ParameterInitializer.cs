namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// Deterministic initial values from a seed. <see cref="Perturbed"/> is for the gradient check: it moves norm gains,
/// biases and LoRA B away from their usual constant starts (1, 0, 0), so a backward pass that silently assumed those
/// constants would be caught, and A's gradient (zero while B is zero) is not trivially right.
/// </summary>
internal sealed class ParameterInitializer
{
    private readonly Random _random;

    public ParameterInitializer(int seed, bool perturbed)
    {
        _random = new Random(seed);
        Perturbed = perturbed;
    }

    public bool Perturbed { get; }

    public float[] Normal(long length, double std)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(std * StandardNormal());
        }

        return values;
    }

    public float[] Uniform(long length, double bound)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(bound * ((2 * _random.NextDouble()) - 1));
        }

        return values;
    }

    /// <summary>Norm gains: 1, or 1 ± a little when perturbed.</summary>
    public float[] Gain(long length)
    {
        var values = Perturbed ? Normal(length, 0.1) : new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += 1f;
        }

        return values;
    }

    /// <summary>Biases and norm shifts: 0, or small values when perturbed.</summary>
    public float[] Shift(long length) => Perturbed ? Normal(length, 0.1) : new float[length];

    /// <summary>LoRA B: 0 so training starts from the base model, or small values when perturbed.</summary>
    public float[] LoraB(long length, int rank) => Perturbed ? Normal(length, 0.5 / Math.Sqrt(rank)) : new float[length];

    private double StandardNormal()
    {
        // Box-Muller: two uniforms give one standard normal (the second is not needed).
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

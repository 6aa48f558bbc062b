using System.Text;

namespace AiProfiler.Workloads.Inference;

/// <summary>Counter-based pseudo-random numbers: a value is a pure function of (stream, index).</summary>
internal static class SeededRandom
{
    /// <summary>Uniform in [−√3, √3): zero mean and unit variance, so scaling by σ gives standard deviation σ.</summary>
    public static float Uniform(ulong stream, long index)
    {
        var unit = (Mix(stream, index) >> 40) * (1.0f / (1 << 24));
        return ((2f * unit) - 1f) * 1.7320508f;
    }

    /// <summary>An integer in [0, <paramref name="exclusiveMax"/>).</summary>
    public static int Below(ulong stream, long index, int exclusiveMax) =>
        (int)((Mix(stream, index) >> 33) % (ulong)exclusiveMax);

    /// <summary>The stream of one named tensor: FNV-1a of its name (string.GetHashCode is randomized per process) and the seed.</summary>
    public static ulong StreamOf(long seed, string name)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash ^ (ulong)seed;
    }

    private static ulong Mix(ulong stream, long index)
    {
        // SplitMix64's finalizer over a Weyl sequence.
        var z = (stream * 0xD1B54A32D192ED03UL) + ((ulong)index * 0x9E3779B97F4A7C15UL) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

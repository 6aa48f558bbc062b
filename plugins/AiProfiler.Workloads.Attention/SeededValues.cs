namespace AiProfiler.Workloads.Attention;

/// <summary>
/// Position-addressable pseudo-random inputs: element <c>i</c> of a stream is a pure function of (stream, i), so the
/// verifier regenerates just the slices it checks instead of keeping host copies of tensors that can be gigabytes.
/// </summary>
internal static class SeededValues
{
    /// <summary>The value in [−scale, scale) at <paramref name="index"/> of <paramref name="stream"/>.</summary>
    public static float At(ulong stream, long index, float scale)
    {
        // SplitMix64's finalizer over a Weyl sequence: every (stream, index) pair maps to an independent-looking word.
        var z = (stream * 0xD1B54A32D192ED03UL) + ((ulong)index * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        var unit = (z >> 40) * (1.0f / (1 << 24));
        return ((2f * unit) - 1f) * scale;
    }

    /// <summary>Fills <paramref name="destination"/> with elements <paramref name="start"/>.. of <paramref name="stream"/>.</summary>
    public static void Fill(ulong stream, long start, Span<float> destination, float scale)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = At(stream, start + i, scale);
        }
    }
}

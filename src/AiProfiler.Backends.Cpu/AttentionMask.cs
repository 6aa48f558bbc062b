using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>Which keys a query row sees: all of them, or with a causal mask those up to its position.</summary>
internal readonly struct AttentionMask(in AttentionDescriptor a)
{
    private readonly int _keys = a.KeyLength;
    private readonly int _offset = a.EffectiveQueryOffset;
    private readonly bool _causal = a.Causal;

    /// <summary>The last key any of rows q0..q0+rows−1 sees (−1 when none does); tiles past it are never computed.</summary>
    public int LastKey(int q0, int rows) => _causal ? (int)Math.Min(_keys - 1L, (long)_offset + q0 + rows - 1) : _keys - 1;

    /// <summary>How many of the <paramref name="cols"/> keys from <paramref name="k0"/> on query row <paramref name="row"/> sees.</summary>
    public int Visible(int row, int k0, int cols) => _causal ? (int)Math.Clamp((long)_offset + row - k0 + 1, 0, cols) : cols;
}

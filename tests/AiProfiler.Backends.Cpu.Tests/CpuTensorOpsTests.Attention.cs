using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

// Fused attention: key cache, causal mask and offsets, tile shapes and the AVX-512 path, against a double-precision reference.
public sealed partial class CpuTensorOpsTests
{
    [Fact]
    public void Attention_FusedWithCacheCausalAndOffset_MatchesNaiveReference()
    {
        var desc = new AttentionDescriptor { Batch = 2, Heads = 3, QueryLength = 4, KeyLength = 9, HeadDim = 5, KeyCapacity = 12, Causal = true };

        AssertAttentionMatchesReference(_device, desc, 1e-5);
    }

    public static TheoryData<string, int, int, int, int, int, int, bool, int?> AttentionTileShapes()
    {
        var data = new TheoryData<string, int, int, int, int, int, int, bool, int?>();
        foreach (var engine in new[] { "simd", "openblas" })
        {
            // Query blocks and key tiles with ragged ends, large enough to run in parallel.
            data.Add(engine, 1, 2, 300, 300, 300, 16, false, null);
            data.Add(engine, 2, 1, 300, 300, 310, 16, true, null);
            // Causal with an explicit offset: keys past the last query's position are never seen.
            data.Add(engine, 1, 4, 150, 400, 420, 16, true, 200);
            // Decode: one query against a long cache, more than one key tile.
            data.Add(engine, 2, 2, 1, 1100, 1200, 32, true, null);
            // Decode with an odd number of heads: the team's cores take unequal shares of them.
            data.Add(engine, 1, 5, 1, 1100, 1200, 32, true, null);
            // A negative offset: the first queries see no key at all and give zeros.
            data.Add(engine, 1, 2, 140, 140, 140, 8, true, -3);
        }

        // Head sizes that are whole multiples of 64 with a prompt's worth of queries take the AVX-512 kernel: ragged
        // query blocks (100 = 96 + 4) and key tiles (200 keys, not a multiple of 64), a capacity past the keys, a
        // prefill chunk against a cache (offset 260), fewer keys than one kernel column, and rows that see no key.
        data.Add("openblas", 1, 2, 100, 200, 200, 64, false, null);
        data.Add("openblas", 1, 2, 100, 200, 210, 64, true, null);
        data.Add("openblas", 2, 1, 40, 300, 320, 128, true, 260);
        data.Add("openblas", 1, 3, 33, 33, 33, 64, false, null);
        data.Add("openblas", 1, 1, 64, 64, 64, 64, true, -10);

        return data;
    }

    [Theory]
    [MemberData(nameof(AttentionTileShapes))]
    public void Attention_ManyTilesCausalOffsetAndDecode_MatchesDoubleReference(string engine, int batch, int heads, int nq, int nk, int capacity, int d, bool causal, int? offset)
    {
        using var device = (CpuDevice)(engine == "simd" ? Provider : OpenBlasProvider).Open(0);
        var desc = new AttentionDescriptor { Batch = batch, Heads = heads, QueryLength = nq, KeyLength = nk, HeadDim = d, KeyCapacity = capacity, Causal = causal, QueryOffset = offset };

        AssertAttentionMatchesReference(device, desc, 1e-5);
    }

    public static TheoryData<int, int, int, int, int, int, bool, int?> DecodeShapes() => new()
    {
        // Llama-3.2-1B's groups of four query heads per key head, over three key tiles (600 = 2·256 + 88).
        { 1, 8, 2, 600, 640, 64, true, null },
        // Groups of five at a head size of 64: a block of four through the whole-row value kernel, one more on its own.
        { 1, 10, 2, 260, 270, 64, false, null },
        // Two sequences, groups of five (a block of four and one more), a head size of 80 (five 16-wide strips).
        { 2, 10, 2, 300, 300, 80, false, null },
        // Groups of three (heads one at a time), fewer keys than eight (only the one-key loop), a capacity past them.
        { 1, 6, 2, 5, 9, 16, true, null },
        // GPT-2's shape: a key head per query head, 13 keys (eight at once and five more).
        { 2, 3, 3, 13, 16, 64, true, null },
        // A causal offset: the query sees only the first 201 of 400 keys; a negative one: it sees none and gives zeros.
        { 1, 4, 1, 400, 400, 128, true, 200 },
        { 1, 4, 2, 50, 50, 32, true, -1 },
    };

    /// <summary>
    /// Decode steps (one query token per sequence) take the grouped decode kernel (<see cref="DecodeAttention"/>): every
    /// group size, ragged key tiles and strips, causal offsets and rows that see no key, against the float64 reference,
    /// on one core and on the team.
    /// </summary>
    [Theory]
    [MemberData(nameof(DecodeShapes))]
    public void Attention_DecodeGroupedQueries_MatchesDoubleReference(int batch, int heads, int keyHeads, int nk, int capacity, int d, bool causal, int? offset)
    {
        var desc = new AttentionDescriptor
        {
            Batch = batch, Heads = heads, KeyHeads = keyHeads, QueryLength = 1, KeyLength = nk, KeyCapacity = capacity, HeadDim = d, Causal = causal, QueryOffset = offset,
        };
        Assert.True(DecodeAttention.Supports(desc) || !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated);
        foreach (var threads in new[] { 1, 2 })
        {
            using var device = (CpuDevice)Provider.Open(0);
            device.Threads = threads;
            AssertAttentionMatchesReference(device, desc, 1e-5);
        }
    }

    [Fact]
    public void Attention_Avx512KernelTakesPromptShapesOnly()
    {
        var prompt = new AttentionDescriptor { Batch = 1, Heads = 2, QueryLength = 100, KeyLength = 200, HeadDim = 64 };

        Assert.Equal(Avx512F.IsSupported, Avx512Attention.Supports(prompt));
        Assert.False(Avx512Attention.Supports(prompt with { QueryLength = 1 }));
        Assert.False(Avx512Attention.Supports(prompt with { HeadDim = 48 }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Attention_PeakedScores_StayFiniteAndMatchDoubleReference(bool causal)
    {
        // Scores spread over hundreds of units: most probabilities underflow and the running maximum jumps between
        // tiles, which is where an exponent of −∞ or a stale correction would show as NaN or a wrong row.
        var desc = new AttentionDescriptor { Batch = 1, Heads = 2, QueryLength = 130, KeyLength = 300, HeadDim = 64, Causal = causal, QueryOffset = causal ? 170 : null };

        AssertAttentionMatchesReference(_device, desc, 1e-5, queryScale: 40f);
    }
    private static void AssertAttentionMatchesReference(CpuDevice device, AttentionDescriptor desc, double tolerance, float queryScale = 1f)
    {
        int heads = desc.Batch * desc.Heads, nq = desc.QueryLength, nk = desc.KeyLength, cap = desc.EffectiveKeyCapacity, d = desc.HeadDim;
        // Grouped-query attention: query head b·H + h reads key head (b·H + h) / group.
        var group = desc.Heads / desc.EffectiveKeyHeads;
        var q = Reference.Random(heads * nq * d, 14).Select(x => x * queryScale).ToArray();
        var k = Reference.Random(heads / group * cap * d, 15);
        var v = Reference.Random(heads / group * cap * d, 16);
        using var dq = device.Allocate(q.Length);
        using var dk = device.Allocate(k.Length);
        using var dv = device.Allocate(v.Length);
        using var o = device.Allocate(q.Length);
        device.Write<float>(dq, q);
        device.Write<float>(dk, k);
        device.Write<float>(dv, v);
        device.Ops.Fill(o, float.NaN, 0, q.Length);

        device.Ops.Attention(desc, dq, dk, dv, o);

        var expected = new double[q.Length];
        var scale = 1 / Math.Sqrt(d);
        for (var head = 0; head < heads; head++)
        {
            for (var i = 0; i < nq; i++)
            {
                var visible = desc.Causal ? Math.Clamp(desc.EffectiveQueryOffset + i + 1, 0, nk) : nk;
                if (visible == 0)
                {
                    continue;
                }

                var scores = new double[visible];
                for (var j = 0; j < visible; j++)
                {
                    for (var t = 0; t < d; t++)
                    {
                        scores[j] += (double)q[(((head * nq) + i) * d) + t] * k[((((head / group) * cap) + j) * d) + t] * scale;
                    }
                }

                var p = Reference.Softmax(scores);
                for (var j = 0; j < visible; j++)
                {
                    for (var t = 0; t < d; t++)
                    {
                        expected[(((head * nq) + i) * d) + t] += p[j] * v[((((head / group) * cap) + j) * d) + t];
                    }
                }
            }
        }

        var actual = new float[q.Length];
        device.Read<float>(o, actual);
        Reference.Close(expected, actual, tolerance);
    }
}

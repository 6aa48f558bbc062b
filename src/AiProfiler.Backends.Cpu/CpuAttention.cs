using System.Numerics.Tensors;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu;

/// <summary>Fused attention: keys in tiles, online softmax (running max and sum), never materializing the scores.</summary>
internal sealed unsafe partial class CpuTensorOps
{
    private const int KeyTile = 64;

    public void Attention(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o)
    {
        var a = attention;
        if (a.Batch < 1 || a.Heads < 1 || a.QueryLength < 0 || a.KeyLength < 0 || a.HeadDim < 1 || a.EffectiveKeyCapacity < a.KeyLength)
        {
            throw new ArgumentException($"invalid attention shape B={a.Batch} H={a.Heads} Nq={a.QueryLength} Nk={a.KeyLength} d={a.HeadDim} capacity={a.EffectiveKeyCapacity}");
        }

        int d = a.HeadDim, nq = a.QueryLength, cap = a.EffectiveKeyCapacity;
        long heads = (long)a.Batch * a.Heads;
        float* pq = Ptr(q, heads * nq * d), pk = Ptr(k, heads * cap * d), pv = Ptr(v, heads * cap * d), po = Ptr(o, heads * nq * d);
        var rows = heads * nq;
        var scale = a.EffectiveScale;
        var offset = a.EffectiveQueryOffset;
        var causal = a.Causal;
        var keyLength = a.KeyLength;
        var blocks = Math.Max(1, Math.Min(rows, Environment.ProcessorCount * 8L));
        var perBlock = (rows + blocks - 1) / blocks;
        Parallel.For(0L, blocks, block =>
        {
            var acc = new float[d];
            var scores = new float[KeyTile];
            var end = Math.Min(rows, (block + 1) * perBlock);
            for (var row = block * perBlock; row < end; row++)
            {
                var head = row / nq;
                var i = (int)(row % nq);
                var last = causal ? Math.Min(keyLength - 1, offset + i) : keyLength - 1;
                var query = new ReadOnlySpan<float>(pq + (row * d), d);
                var keys = pk + (head * cap * d);
                var values = pv + (head * cap * d);
                var max = float.NegativeInfinity;
                var sum = 0f;
                Array.Clear(acc);
                for (var j0 = 0; j0 <= last; j0 += KeyTile)
                {
                    var count = Math.Min(KeyTile, last + 1 - j0);
                    for (var t = 0; t < count; t++)
                    {
                        scores[t] = TensorPrimitives.Dot(query, new ReadOnlySpan<float>(keys + ((long)(j0 + t) * d), d)) * scale;
                    }

                    var tileMax = TensorPrimitives.Max(scores.AsSpan(0, count));
                    var newMax = Math.Max(max, tileMax);
                    if (newMax > max && sum > 0)
                    {
                        var correction = MathF.Exp(max - newMax);
                        sum *= correction;
                        TensorPrimitives.Multiply(acc, correction, acc);
                    }

                    max = newMax;
                    for (var t = 0; t < count; t++)
                    {
                        var p = MathF.Exp(scores[t] - max);
                        sum += p;
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(values + ((long)(j0 + t) * d), d), p, acc, acc);
                    }
                }

                var output = new Span<float>(po + (row * d), d);
                if (sum > 0)
                {
                    TensorPrimitives.Multiply(acc, 1f / sum, output);
                }
                else
                {
                    output.Clear();
                }
            }
        });
    }
}

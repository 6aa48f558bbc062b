using System.Buffers.Binary;

namespace AiProfiler.Abstractions.Devices;

// The k-quants: Q4_K (asymmetric 4-bit with 6-bit sub-block scales and mins, fitted by ggml's weighted search) and
// Q6_K (symmetric 6-bit with int8 sub-block scales).
public static partial class QuantizedBlocks
{
    private static void QuantizeQ4_K(ReadOnlySpan<float> x, Span<byte> y)
    {
        Span<byte> levels = stackalloc byte[256];
        Span<byte> aux = stackalloc byte[32];
        Span<float> weights = stackalloc float[32];
        Span<float> mins = stackalloc float[8];
        Span<float> scales = stackalloc float[8];
        float maxScale = 0, maxMin = 0;
        for (var j = 0; j < 8; j++)
        {
            var sub = x.Slice(32 * j, 32);
            var sumX2 = 0f;
            foreach (var v in sub)
            {
                sumX2 += v * v;
            }

            var averageX = MathF.Sqrt(sumX2 / 32);
            for (var l = 0; l < 32; l++)
            {
                weights[l] = averageX + MathF.Abs(sub[l]);
            }

            scales[j] = AffineLevels(sub, 15, weights, levels.Slice(32 * j, 32), out mins[j], aux, -1f, 0.1f, 20);
            maxScale = MathF.Max(maxScale, scales[j]);
            maxMin = MathF.Max(maxMin, mins[j]);
        }

        var inverseScale = maxScale > 0 ? 63f / maxScale : 0f;
        var inverseMin = maxMin > 0 ? 63f / maxMin : 0f;
        var packed = y.Slice(4, 12);
        packed.Clear();
        for (var j = 0; j < 8; j++)
        {
            var ls = Math.Min(63, (int)(byte)NearestInt(inverseScale * scales[j]));
            var lm = Math.Min(63, (int)(byte)NearestInt(inverseMin * mins[j]));
            if (j < 4)
            {
                packed[j] = (byte)ls;
                packed[j + 4] = (byte)lm;
            }
            else
            {
                packed[j + 4] = (byte)((ls & 0xF) | ((lm & 0xF) << 4));
                packed[j - 4] |= (byte)((ls >> 4) << 6);
                packed[j] |= (byte)((lm >> 4) << 6);
            }
        }

        var d = WriteFp16(y, maxScale / 63f);
        var dmin = WriteFp16(y[2..], maxMin / 63f);
        for (var j = 0; j < 8; j++)
        {
            var (sc, m) = Q4KScaleMin(j, packed);
            var dj = d * sc;
            if (dj == 0)
            {
                continue;
            }

            var dm = dmin * m;
            for (var i = 0; i < 32; i++)
            {
                levels[(32 * j) + i] = (byte)Math.Clamp(NearestInt((x[(32 * j) + i] + dm) / dj), 0, 15);
            }
        }

        var q = y.Slice(16, 128);
        for (var j = 0; j < 4; j++)
        {
            for (var l = 0; l < 32; l++)
            {
                q[(32 * j) + l] = (byte)(levels[(64 * j) + l] | (levels[(64 * j) + l + 32] << 4));
            }
        }
    }

    private static void DequantizeQ4_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Fp16(x);
        var dmin = Fp16(x[2..]);
        var scales = x.Slice(4, 12);
        var q = x.Slice(16, 128);
        for (var j = 0; j < 4; j++)
        {
            var (sc1, m1) = Q4KScaleMin(2 * j, scales);
            var (sc2, m2) = Q4KScaleMin((2 * j) + 1, scales);
            float d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2;
            for (var l = 0; l < 32; l++)
            {
                y[(64 * j) + l] = (d1 * (q[(32 * j) + l] & 0xF)) - min1;
                y[(64 * j) + 32 + l] = (d2 * (q[(32 * j) + l] >> 4)) - min2;
            }
        }
    }

    /// <summary>
    /// ggml's make_qkx2_quants: levels 0..nmax with a scale and a (non-positive) offset minimizing the weighted squared
    /// error, searched over nstep+1 candidate scales around nmax/(max − min). Returns the scale; the offset, negated,
    /// goes to <paramref name="theMin"/>.
    /// </summary>
    private static float AffineLevels(ReadOnlySpan<float> x, int nmax, ReadOnlySpan<float> weights, Span<byte> levels, out float theMin, Span<byte> aux, float rmin, float rdelta, int nstep)
    {
        var n = x.Length;
        float min = x[0], max = x[0], sumW = weights[0], sumX = sumW * x[0];
        for (var i = 1; i < n; i++)
        {
            min = MathF.Min(min, x[i]);
            max = MathF.Max(max, x[i]);
            sumW += weights[i];
            sumX += weights[i] * x[i];
        }

        if (min > 0)
        {
            min = 0;
        }

        if (max == min)
        {
            levels.Clear();
            theMin = -min;
            return 0f;
        }

        var iscale = nmax / (max - min);
        var scale = 1 / iscale;
        var bestError = 0f;
        for (var i = 0; i < n; i++)
        {
            levels[i] = (byte)Math.Clamp(NearestInt(iscale * (x[i] - min)), 0, nmax);
            var diff = (scale * levels[i]) + min - x[i];
            bestError += weights[i] * diff * diff;
        }

        for (var step = 0; step <= nstep; step++)
        {
            iscale = (rmin + (rdelta * step) + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (var i = 0; i < n; i++)
            {
                var l = Math.Clamp(NearestInt(iscale * (x[i] - min)), 0, nmax);
                aux[i] = (byte)l;
                sumL += weights[i] * l;
                sumL2 += weights[i] * l * l;
                sumXL += weights[i] * l * x[i];
            }

            var det = (sumW * sumL2) - (sumL * sumL);
            if (det <= 0)
            {
                continue;
            }

            var thisScale = ((sumW * sumXL) - (sumX * sumL)) / det;
            var thisMin = ((sumL2 * sumX) - (sumL * sumXL)) / det;
            if (thisMin > 0)
            {
                thisMin = 0;
                thisScale = sumXL / sumL2;
            }

            var error = 0f;
            for (var i = 0; i < n; i++)
            {
                var diff = (thisScale * aux[i]) + thisMin - x[i];
                error += weights[i] * diff * diff;
            }

            if (error < bestError)
            {
                aux[..n].CopyTo(levels);
                bestError = error;
                scale = thisScale;
                min = thisMin;
            }
        }

        theMin = -min;
        return scale;
    }

    private static void QuantizeQ6_K(ReadOnlySpan<float> x, Span<byte> y)
    {
        Span<sbyte> levels = stackalloc sbyte[256];
        Span<float> scales = stackalloc float[16];
        float maxScale = 0, maxAbsScale = 0;
        for (var ib = 0; ib < 16; ib++)
        {
            scales[ib] = SymmetricLevels(x.Slice(16 * ib, 16), 32, levels.Slice(16 * ib, 16));
            if (MathF.Abs(scales[ib]) > maxAbsScale)
            {
                maxAbsScale = MathF.Abs(scales[ib]);
                maxScale = scales[ib];
            }
        }

        y[..210].Clear();
        if (maxAbsScale < GroupMaxEpsilon)
        {
            return;
        }

        var iscale = -128f / maxScale;
        var d = WriteFp16(y[208..], 1 / iscale);
        var blockScales = y.Slice(192, 16);
        for (var ib = 0; ib < 16; ib++)
        {
            blockScales[ib] = (byte)(sbyte)Math.Min(127, NearestInt(iscale * scales[ib]));
        }

        for (var j = 0; j < 16; j++)
        {
            var dj = d * (sbyte)blockScales[j];
            if (dj == 0)
            {
                continue;
            }

            for (var i = 0; i < 16; i++)
            {
                levels[(16 * j) + i] = (sbyte)(Math.Clamp(NearestInt(x[(16 * j) + i] / dj), -32, 31) + 32);
            }
        }

        var ql = y[..128];
        var qh = y.Slice(128, 64);
        for (var half = 0; half < 2; half++)
        {
            var l0 = 128 * half;
            for (var l = 0; l < 32; l++)
            {
                int q1 = levels[l0 + l], q2 = levels[l0 + l + 32], q3 = levels[l0 + l + 64], q4 = levels[l0 + l + 96];
                ql[(64 * half) + l] = (byte)((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[(64 * half) + l + 32] = (byte)((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[(32 * half) + l] = (byte)((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }

    /// <summary>
    /// ggml's make_qx_quants with rmse_type 1 (weights x²): levels −nmax..nmax−1 stored offset by nmax, the scale
    /// refined by least squares over 19 candidate scales.
    /// </summary>
    private static float SymmetricLevels(ReadOnlySpan<float> x, int nmax, Span<sbyte> levels)
    {
        var n = x.Length;
        float max = 0, amax = 0;
        foreach (var v in x)
        {
            if (MathF.Abs(v) > amax)
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        if (amax < GroupMaxEpsilon)
        {
            levels.Clear();
            return 0f;
        }

        var iscale = -nmax / max;
        float sumLX = 0, sumL2 = 0;
        for (var i = 0; i < n; i++)
        {
            var l = Math.Clamp(NearestInt(iscale * x[i]), -nmax, nmax - 1);
            levels[i] = (sbyte)(l + nmax);
            var w = x[i] * x[i];
            sumLX += w * x[i] * l;
            sumL2 += w * l * l;
        }

        var scale = sumL2 != 0 ? sumLX / sumL2 : 0f;
        var best = scale * sumLX;
        for (var step = -9; step <= 9; step++)
        {
            if (step == 0)
            {
                continue;
            }

            iscale = -(nmax + (0.1f * step)) / max;
            sumLX = sumL2 = 0;
            for (var i = 0; i < n; i++)
            {
                var l = Math.Clamp(NearestInt(iscale * x[i]), -nmax, nmax - 1);
                var w = x[i] * x[i];
                sumLX += w * x[i] * l;
                sumL2 += w * l * l;
            }

            if (sumL2 > 0 && sumLX * sumLX > best * sumL2)
            {
                for (var i = 0; i < n; i++)
                {
                    levels[i] = (sbyte)(nmax + Math.Clamp(NearestInt(iscale * x[i]), -nmax, nmax - 1));
                }

                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }

        return scale;
    }

    private static void DequantizeQ6_K(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Fp16(x[208..]);
        for (var half = 0; half < 2; half++)
        {
            var ql = x.Slice(64 * half, 64);
            var qh = x.Slice(128 + (32 * half), 32);
            var sc = x.Slice(192 + (8 * half), 8);
            var y0 = 128 * half;
            for (var l = 0; l < 32; l++)
            {
                var group = l / 16;
                var q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                var q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                var q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                var q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[y0 + l] = d * (sbyte)sc[group] * q1;
                y[y0 + l + 32] = d * (sbyte)sc[group + 2] * q2;
                y[y0 + l + 64] = d * (sbyte)sc[group + 4] * q3;
                y[y0 + l + 96] = d * (sbyte)sc[group + 6] * q4;
            }
        }
    }
}

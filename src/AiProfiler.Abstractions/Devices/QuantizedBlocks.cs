using System.Buffers.Binary;

namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// Writes and reads weights in the layouts of <see cref="DataType"/>: fp16 and bf16 (little-endian, round to nearest
/// even), and ggml's Q8_0, Q4_0, Q4_K and Q6_K blocks. Quantization follows ggml's reference quantizers (the ones
/// <c>llama-quantize</c> uses without an importance matrix), so seeded weights quantized here can be compared with a
/// GGUF file of the same values. Dequantization is the reference every backend's kernels are checked against.
/// Rows of a weight matrix are quantized independently: a row of K values is K / <see cref="DataTypeExtensions.BlockValues"/>
/// blocks.
/// </summary>
public static class QuantizedBlocks
{
    // ggml's GROUP_MAX_EPS: a group whose largest magnitude is below this is all zeros.
    private const float GroupMaxEpsilon = 1e-15f;

    /// <summary>Encodes <paramref name="values"/> as <paramref name="type"/> into <paramref name="destination"/> (<see cref="DataTypeExtensions.StorageBytes"/> bytes).</summary>
    public static void Quantize(DataType type, ReadOnlySpan<float> values, Span<byte> destination)
    {
        var bytes = type.StorageBytes(values.Length);
        if (destination.Length < bytes)
        {
            throw new ArgumentException($"{values.Length} {type.ShortName()} values need {bytes} bytes, the destination has {destination.Length}", nameof(destination));
        }

        var block = type.BlockValues();
        var blockBytes = type.BlockBytes();
        for (var b = 0; b < values.Length / block; b++)
        {
            var x = values.Slice(b * block, block);
            var y = destination.Slice(b * blockBytes, blockBytes);
            switch (type)
            {
                case DataType.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(y, x[0]);
                    break;
                case DataType.Float16:
                    BinaryPrimitives.WriteHalfLittleEndian(y, (Half)x[0]);
                    break;
                case DataType.BFloat16:
                    BinaryPrimitives.WriteUInt16LittleEndian(y, BFloat16Bits(x[0]));
                    break;
                case DataType.Q8_0:
                    QuantizeQ8_0(x, y);
                    break;
                case DataType.Q4_0:
                    QuantizeQ4_0(x, y);
                    break;
                case DataType.Q4_K:
                    QuantizeQ4_K(x, y);
                    break;
                case DataType.Q6_K:
                    QuantizeQ6_K(x, y);
                    break;
                default:
                    throw new NotSupportedException($"{type.ShortName()} is not a weight type; use fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k");
            }
        }
    }

    /// <summary>Encodes <paramref name="values"/> as <paramref name="type"/> into a new array.</summary>
    public static byte[] Quantize(DataType type, ReadOnlySpan<float> values)
    {
        var bytes = new byte[type.StorageBytes(values.Length)];
        Quantize(type, values, bytes);
        return bytes;
    }

    /// <summary>Decodes <paramref name="destination"/>.Length values of <paramref name="type"/> from <paramref name="source"/>.</summary>
    public static void Dequantize(DataType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        var bytes = type.StorageBytes(destination.Length);
        if (source.Length < bytes)
        {
            throw new ArgumentException($"{destination.Length} {type.ShortName()} values need {bytes} bytes, the source has {source.Length}", nameof(source));
        }

        var block = type.BlockValues();
        var blockBytes = type.BlockBytes();
        for (var b = 0; b < destination.Length / block; b++)
        {
            var x = source.Slice(b * blockBytes, blockBytes);
            var y = destination.Slice(b * block, block);
            switch (type)
            {
                case DataType.Float32:
                    y[0] = BinaryPrimitives.ReadSingleLittleEndian(x);
                    break;
                case DataType.Float16:
                    y[0] = (float)BinaryPrimitives.ReadHalfLittleEndian(x);
                    break;
                case DataType.BFloat16:
                    y[0] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(x) << 16);
                    break;
                case DataType.Q8_0:
                    DequantizeQ8_0(x, y);
                    break;
                case DataType.Q4_0:
                    DequantizeQ4_0(x, y);
                    break;
                case DataType.Q4_K:
                    DequantizeQ4_K(x, y);
                    break;
                case DataType.Q6_K:
                    DequantizeQ6_K(x, y);
                    break;
                default:
                    throw new NotSupportedException($"{type.ShortName()} is not a weight type; use fp32, fp16, bf16, q8_0, q4_0, q4_k or q6_k");
            }
        }
    }

    /// <summary>fp32 to bfloat16 bits, rounding to nearest even; NaN stays a quiet NaN.</summary>
    public static ushort BFloat16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7fffffffu) > 0x7f800000u)
        {
            return (ushort)((bits >> 16) | 0x40u);
        }

        return (ushort)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>
    /// The 6-bit scale and min of sub-block <paramref name="j"/> (0..7) of a Q4_K super-block's 12 packed bytes:
    /// sub-blocks 0-3 keep theirs in the low 6 bits of bytes j and j+4; sub-blocks 4-7 in the nibbles of byte j+4,
    /// with their top 2 bits in the top bits of bytes j−4 and j.
    /// </summary>
    public static (int Scale, int Min) Q4KScaleMin(int j, ReadOnlySpan<byte> scales)
    {
        if (j < 4)
        {
            return (scales[j] & 63, scales[j + 4] & 63);
        }

        return ((scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4), (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));
    }

    private static float Fp16(ReadOnlySpan<byte> bytes) => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes);

    // Rounds through fp16 as the stored scale does, so requantization uses the value the reader will see.
    private static float WriteFp16(Span<byte> bytes, float value)
    {
        var half = (Half)value;
        BinaryPrimitives.WriteHalfLittleEndian(bytes, half);
        return (float)half;
    }

    // ggml's nearest_int: round half to even.
    private static int NearestInt(float value) => (int)MathF.Round(value, MidpointRounding.ToEven);

    private static void QuantizeQ8_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        var amax = 0f;
        foreach (var v in x)
        {
            amax = MathF.Max(amax, MathF.Abs(v));
        }

        var d = amax / 127;
        var id = d != 0 ? 1f / d : 0f;
        WriteFp16(y, d);
        for (var j = 0; j < 32; j++)
        {
            y[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
        }
    }

    private static void DequantizeQ8_0(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Fp16(x);
        for (var j = 0; j < 32; j++)
        {
            y[j] = (sbyte)x[2 + j] * d;
        }
    }

    private static void QuantizeQ4_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        // The value of largest magnitude, with its sign, maps to −8 exactly.
        float amax = 0f, max = 0f;
        foreach (var v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        var d = max / -8;
        var id = d != 0 ? 1f / d : 0f;
        WriteFp16(y, d);
        for (var j = 0; j < 16; j++)
        {
            var lo = Math.Min(15, (int)(sbyte)(int)((x[j] * id) + 8.5f));
            var hi = Math.Min(15, (int)(sbyte)(int)((x[j + 16] * id) + 8.5f));
            y[2 + j] = (byte)(lo | (hi << 4));
        }
    }

    private static void DequantizeQ4_0(ReadOnlySpan<byte> x, Span<float> y)
    {
        var d = Fp16(x);
        for (var j = 0; j < 16; j++)
        {
            y[j] = ((x[2 + j] & 0xF) - 8) * d;
            y[j + 16] = ((x[2 + j] >> 4) - 8) * d;
        }
    }

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

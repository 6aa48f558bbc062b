using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>Q4_K and Q6_K rows with hand-written edge super-blocks, and the size of what a kernel sums for each weight.</summary>
internal static class KQuantWeights
{
    /// <summary>
    /// Quantized random rows of <paramref name="inputs"/> (three super-blocks), with these super-blocks replaced: in row 0
    /// the largest scales and mins with codes 0 and 15 (Q6_K: scales 127 and −128, codes 0 and 63), all zeros, and
    /// scale 0 with the largest min (Q6_K: negative scales on codes that decode to 0); in row 1 every sub-block with
    /// its own scale and min (Q6_K: scales across −128..127); in row 2 the largest fp16 scale (Q6_K: negative); in row
    /// 3 subnormal fp16 scales (Q4_K: d and dmin) between two blocks of zeros.
    /// </summary>
    public static byte[] Edge(DataType type, int outputs, int inputs)
    {
        var stored = QuantizedBlocks.Quantize(type, Reference.Random(outputs * inputs, 13));
        var bytes = type.BlockBytes();
        var perRow = inputs / 256;
        Span<byte> Block(int row, int index) => stored.AsSpan(((row * perRow) + index) * bytes, bytes);
        if (type == DataType.Q4_K)
        {
            Q4K(Block(0, 0), 0.01f, 0.02f, [63, 63, 63, 63, 63, 63, 63, 63], [63, 63, 63, 63, 63, 63, 63, 63], alternate: true);
            Block(0, 1).Clear();
            Q4K(Block(0, 2), 0.01f, 0.05f, [0, 0, 0, 0, 63, 63, 63, 63], [63, 63, 63, 63, 0, 0, 0, 0], alternate: false);
            Q4K(Block(1, 0), 0.02f, 0.01f, [0, 9, 18, 27, 36, 45, 54, 63], [63, 54, 45, 36, 27, 18, 9, 0], alternate: true);
            Q4K(Block(2, 0), 65504f, 65504f, [63, 1, 63, 1, 63, 1, 63, 1], [1, 63, 1, 63, 1, 63, 1, 63], alternate: true);
            // fp16 subnormals (below 2⁻¹⁴) as d and dmin, alone in their row: the bound there is theirs alone.
            Block(3, 0).Clear();
            Q4K(Block(3, 1), 3e-5f, 2e-6f, [63, 40, 1, 17, 63, 40, 1, 17], [5, 63, 33, 0, 63, 12, 7, 63], alternate: true);
            Block(3, 2).Clear();
            return stored;
        }

        var extremes = Block(0, 0);
        for (var i = 0; i < 128; i++)
        {
            extremes[i] = (byte)(i % 2 == 0 ? 0xF0 : 0x0F);
        }

        for (var i = 0; i < 64; i++)
        {
            extremes[128 + i] = (byte)(i % 3 == 0 ? 0xFF : 0x00);
        }

        Q6KScales(extremes, 0.01f, g => g % 2 == 0 ? 127 : -128);
        Block(0, 1).Clear();
        // Codes of 32 decode to 0 whatever the scale: the kernels' −32 must cancel their sums exactly enough.
        var zeros = Block(0, 2);
        zeros[..128].Clear();
        zeros.Slice(128, 64).Fill(0xAA);
        Q6KScales(zeros, 0.5f, g => -1 - (8 * g));
        Q6KScales(Block(1, 0), 0.02f, g => (17 * g) - 128);
        Q6KScales(Block(2, 0), -65504f, g => g % 2 == 0 ? -128 : 1);
        Block(3, 0).Clear();
        Q6KScales(Block(3, 1), -3e-5f, g => (13 * g) - 100);
        Block(3, 2).Clear();
        return stored;
    }

    /// <summary>For each weight, the magnitude of the terms a kernel adds for it: |d·sc·q| + |dmin·m| (Q4_K), |d·sc|·(q + 32) (Q6_K).</summary>
    public static float[] Terms(DataType type, byte[] stored)
    {
        var bytes = type.BlockBytes();
        var terms = new float[stored.Length / bytes * 256];
        for (var b = 0; b < stored.Length / bytes; b++)
        {
            var block = stored.AsSpan(b * bytes, bytes);
            var t = terms.AsSpan(b * 256, 256);
            if (type == DataType.Q4_K)
            {
                float d = (float)BitConverter.ToHalf(block), dmin = (float)BitConverter.ToHalf(block[2..]);
                for (var k = 0; k < 256; k++)
                {
                    var (sc, m) = QuantizedBlocks.Q4KScaleMin(k / 32, block.Slice(4, 12));
                    var code = (block[16 + (32 * (k / 64)) + (k % 32)] >> (4 * ((k / 32) % 2))) & 0xF;
                    t[k] = Math.Abs(d * sc * code) + Math.Abs(dmin * m);
                }
            }
            else
            {
                var d = (float)BitConverter.ToHalf(block[208..]);
                for (var k = 0; k < 256; k++)
                {
                    // Value k of half h, at l = k % 32 in quarter k / 32 % 4: low nibble of ql[64h + l (+32 for quarters 1, 3)]
                    // (high nibble for quarters 2, 3), bits 2·quarter of qh[128 + 32h + l].
                    int h = k / 128, quarter = k / 32 % 4, l = k % 32;
                    var low = (block[(64 * h) + l + (32 * (quarter % 2))] >> (4 * (quarter / 2))) & 0xF;
                    var high = (block[128 + (32 * h) + l] >> (2 * quarter)) & 3;
                    t[k] = Math.Abs(d * (sbyte)block[192 + (k / 16)]) * ((low | (high << 4)) + 32);
                }
            }
        }

        return terms;
    }

    private static void Q4K(Span<byte> block, float d, float dmin, int[] scales, int[] mins, bool alternate)
    {
        BitConverter.TryWriteBytes(block, BitConverter.HalfToUInt16Bits((Half)d));
        BitConverter.TryWriteBytes(block[2..], BitConverter.HalfToUInt16Bits((Half)dmin));
        for (var j = 0; j < 4; j++)
        {
            block[4 + j] = (byte)(scales[j] | ((scales[j + 4] >> 4) << 6));
            block[8 + j] = (byte)(mins[j] | ((mins[j + 4] >> 4) << 6));
            block[12 + j] = (byte)((scales[j + 4] & 0xF) | ((mins[j + 4] & 0xF) << 4));
        }

        for (var i = 0; i < 128; i++)
        {
            block[16 + i] = (byte)(!alternate ? 0xFF : i % 2 == 0 ? 0x0F : 0xF0);
        }
    }

    private static void Q6KScales(Span<byte> block, float d, Func<int, int> scale)
    {
        for (var g = 0; g < 16; g++)
        {
            block[192 + g] = unchecked((byte)(sbyte)scale(g));
        }

        BitConverter.TryWriteBytes(block[208..], BitConverter.HalfToUInt16Bits((Half)d));
    }
}

using System.Runtime.Intrinsics.X86;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>
/// The decode kernels (up to 8 rows of x, 48 for float weights) of <see cref="WeightLinear"/> on every instruction-set path the CPU has,
/// against <see cref="QuantizedBlocks.Dequantize"/>'s values and a float64 product, on blocks with edge values.
/// </summary>
public sealed unsafe class WeightLinearDecodeTests
{
    // 11 blocks of 32 per row (an odd count: the kernels take blocks in pairs), 3 super-blocks of 256 for Q4_K/Q6_K, and
    // for fp16/bf16 also 360 = 22·16 + 8 (a tail after the 16- and 32-wide loops); 750 rows of W so that two threads
    // split them, 375 each: 93 for each of the four streams at batch 1 and 3 rows left.
    private const int Outputs = 750, QuantizedInputs = 352, KQuantInputs = 768, HalfInputs = 360;

    private const double U = 1.0 / (1 << 24);

    public static TheoryData<string, DataType, int> Int8Cases()
    {
        var cases = new TheoryData<string, DataType, int>();
        foreach (var path in new[] { DotPath.Avx512, DotPath.AvxVnni, DotPath.Avx2, DotPath.Portable })
        {
            // AVX-512 has int8 kernels for Q4_K, Q6_K and Q4_0.
            foreach (var type in path == DotPath.Avx512 ? [DataType.Q4_K, DataType.Q6_K, DataType.Q4_0] : new[] { DataType.Q8_0, DataType.Q4_0, DataType.Q4_K, DataType.Q6_K })
            {
                foreach (var rows in new[] { 1, 3, 8 })
                {
                    cases.Add(path.ToString(), type, rows);
                }
            }
        }

        return cases;
    }

    public static TheoryData<string, DataType, int, int> FloatCases()
    {
        var cases = new TheoryData<string, DataType, int, int>();
        foreach (var path in new[] { DotPath.Avx512, DotPath.Avx2, DotPath.Portable })
        {
            foreach (var type in new[] { DataType.Float32, DataType.Float16, DataType.BFloat16 })
            {
                // 20 rows: more than the int8 types' eight, within the float types' dot-product range (FloatDotRows);
                // whole steps of 32 (QuantizedInputs) with several rows: the two-row kernels, an odd row after them.
                foreach (var (rows, inputs) in new[] { (1, HalfInputs), (1, QuantizedInputs), (5, HalfInputs), (20, HalfInputs), (3, QuantizedInputs), (20, QuantizedInputs) })
                {
                    cases.Add(path.ToString(), type, rows, inputs);
                }
            }
        }

        return cases;
    }

    /// <summary>
    /// x is quantized per block b of 32 (per super-block of 256 for Q4_K and Q6_K) to d_b·q with d_b = max|x|/127 and |x − d_b·q| ≤ d_b·(1/2 + 2⁻¹⁵) (half a
    /// step, plus the rounding of x·(1/d_b) near 127), while the weights and the integer sums are exact; so the result
    /// may differ from x·w by Σ_b d_b(1/2 + 2⁻¹⁵)·Σ_{k∈b}|w_k|, plus fp32 rounding of the scaled block sums
    /// (4·K·u·Σ t·(|x| + d_b), where t is what the kernel sums for each weight before offsets cancel: |w| for Q8_0 and
    /// Q4_0, |d·sc·q| + |dmin·m| for Q4_K, |d·sc|·(q + 32) for Q6_K). Against the product with x on its grid (d_b·q,
    /// q rounded as the kernel rounds it) only that fp32 rounding remains, which pins a kernel's scales and offsets
    /// closer than x's quantization can.
    /// </summary>
    [Theory]
    [MemberData(nameof(Int8Cases))]
    public void Decode_Int8Path_EqualsDequantizedProductWithinTheQuantizationOfX(string pathName, DataType type, int rows)
    {
        var path = Enum.Parse<DotPath>(pathName);
        Assert.SkipUnless(DotPaths.IsSupported(path), $"this CPU lacks the instructions of the {path} path");
        CheckInt8(path, type, rows, type.BlockValues() == 256 ? KQuantInputs : QuantizedInputs);
    }

    /// <summary>
    /// Q4_0 and Q8_0 rows of 1 to 9 blocks and of 128: a row shorter than the 512-bit kernel's step of four blocks,
    /// exactly one or two steps, and steps with every tail of 1 to 3 blocks, as the bound of the test above states.
    /// </summary>
    [Theory]
    [MemberData(nameof(BlockCountCases))]
    public void Decode_Int8Path_AnyBlockCount_EqualsDequantizedProductWithinTheQuantizationOfX(string pathName, DataType type, int blocks)
    {
        var path = Enum.Parse<DotPath>(pathName);
        Assert.SkipUnless(DotPaths.IsSupported(path), $"this CPU lacks the instructions of the {path} path");
        CheckInt8(path, type, 1, blocks * 32);
    }

    /// <summary>
    /// The 512-bit Q4_0 kernel's two ways of gathering a step's codes and splitting their nibbles (AVX512_VBMI's byte
    /// permute and GFNI, inserts and shifts on CPUs without them), each against the same bound, over row lengths with every tail after the steps of four blocks.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Decode_Q4_0Avx512_EitherCodeGather_EqualsDequantizedProductWithinTheQuantizationOfX(bool permute)
    {
        Assert.SkipUnless(DotPaths.IsSupported(DotPath.Avx512), "this CPU lacks AVX-512BW");
        Assert.SkipUnless(!permute || (Avx512Vbmi.IsSupported && Gfni.V512.IsSupported), "this CPU lacks AVX512_VBMI or GFNI");
        var before = QuantizedDot.PermuteCodes;
        QuantizedDot.PermuteCodes = permute;
        try
        {
            // One row of x, and three: the first two through the two-row kernel.
            foreach (var (rows, blocks) in new[] { (1, 4), (1, 5), (1, 7), (1, 128), (3, 5), (3, 128) })
            {
                CheckInt8(DotPath.Avx512, DataType.Q4_0, rows, blocks * 32);
            }
        }
        finally
        {
            QuantizedDot.PermuteCodes = before;
        }
    }

    /// <summary>
    /// The 512-bit Q4_K GEMV's two four-row kernels (AVX512_VBMI's byte permute unpacking four rows' scales at once, the
    /// per-row kernel on CPUs without it), each against the same bound on the edge super-blocks, subnormal d and dmin
    /// among them.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Decode_Q4KAvx512_EitherFourRowKernel_EqualsDequantizedProductWithinTheQuantizationOfX(bool heads)
    {
        Assert.SkipUnless(DotPaths.IsSupported(DotPath.Avx512), "this CPU lacks AVX-512BW");
        Assert.SkipUnless(!heads || Avx512Vbmi.IsSupported, "this CPU lacks AVX512_VBMI");
        var before = KQuantDot.HeadsKernel;
        KQuantDot.HeadsKernel = heads;
        try
        {
            // One row of x, and three (the first two through the kernel's two-row form).
            CheckInt8(DotPath.Avx512, DataType.Q4_K, 1, KQuantInputs);
            CheckInt8(DotPath.Avx512, DataType.Q4_K, 3, KQuantInputs);
        }
        finally
        {
            KQuantDot.HeadsKernel = before;
        }
    }

    /// <summary>
    /// The 512-bit Q4_0 kernel multiplies d_w·2⁻¹¹² by d_x·2¹¹² instead of converting d_w; where that shortcut would
    /// be wrong it must take the exact kernel. An x block with a value of 10⁷ (d_x ≈ 78 740, whose d_x·2¹¹² overflows
    /// fp32) gives the product within the usual bound; and, on rows of either length, a row with an infinite or NaN
    /// block scale gives a result that is not finite (the shortcut would give a finite number), while every other row
    /// of the same call, and a row with a subnormal scale, stays within the bound.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Decode_Q4_0Avx512_HugeXOrNonFiniteScales_TakeTheExactKernel(int rows)
    {
        Assert.SkipUnless(DotPaths.IsSupported(DotPath.Avx512), "this CPU lacks AVX-512BW");
        const int inputs = 352;
        CheckInt8(DotPath.Avx512, DataType.Q4_0, rows, inputs, x => x[100] = 1e7f);

        var stored = EdgeWeights(DataType.Q4_0, Outputs, inputs);
        var blockBytes = DataType.Q4_0.BlockBytes();
        var blocksPerRow = inputs / 32;
        var corrupt = new Dictionary<int, ushort> { [5] = 0x7C00, [9] = 0xFC00, [13] = 0x7E00, [400] = 0x7C00 };
        foreach (var (row, half) in corrupt)
        {
            BitConverter.TryWriteBytes(stored.AsSpan(((row * blocksPerRow) + 6) * blockBytes, 2), half);
        }

        // A subnormal scale (2⁻²⁴), exact on both paths.
        BitConverter.TryWriteBytes(stored.AsSpan(17 * blocksPerRow * blockBytes, 2), (ushort)0x0001);
        var x = EdgeActivations(rows, inputs);
        var y = Run(DotPath.Avx512, DataType.Q4_0, stored, x, rows, inputs, out var previous);
        var w = new float[Outputs * inputs];
        QuantizedBlocks.Dequantize(DataType.Q4_0, stored, w);
        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < Outputs; n++)
            {
                var actual = y[(r * Outputs) + n];
                if (corrupt.ContainsKey(n))
                {
                    Assert.False(float.IsFinite(actual), $"row {r} output {n} has a non-finite scale but came out {actual}");
                    continue;
                }

                var (exact, magnitude) = Expected(x, w, previous, r, n, inputs);
                var quantization = 0.0;
                for (var k = 0; k < inputs; k++)
                {
                    quantization += (x.AsSpan((r * inputs) + (k / 32 * 32), 32).ToArray().Max(MathF.Abs) / 127.0) * 0.5001 * Math.Abs(w[(n * inputs) + k]);
                }

                Assert.True(Math.Abs(actual - exact) <= quantization + (4.0 * inputs * U * magnitude), $"row {r} output {n}: {actual} vs {exact}");
            }
        }
    }

    public static TheoryData<string, DataType, int> BlockCountCases()
    {
        var cases = new TheoryData<string, DataType, int>();
        foreach (var (path, type) in new[] { (DotPath.Avx512, DataType.Q4_0), (DotPath.AvxVnni, DataType.Q4_0), (DotPath.Avx2, DataType.Q8_0) })
        {
            foreach (var blocks in new[] { 1, 3, 4, 5, 6, 7, 8, 9, 128 })
            {
                cases.Add(path.ToString(), type, blocks);
            }
        }

        return cases;
    }

    private static void CheckInt8(DotPath path, DataType type, int rows, int inputs, Action<float[]>? editX = null, int chunkBytes = WeightLinear.ChunkBytes)
    {
        var x = EdgeActivations(rows, inputs);
        editX?.Invoke(x);
        var stored = type.BlockValues() == 256 ? KQuantWeights.Edge(type, Outputs, inputs) : EdgeWeights(type, Outputs, inputs);
        var y = Run(path, type, stored, x, rows, inputs, out var previous, chunkBytes: chunkBytes);
        var w = new float[Outputs * inputs];
        QuantizedBlocks.Dequantize(type, stored, w);
        var terms = type.BlockValues() == 256 ? KQuantWeights.Terms(type, stored) : [.. w.Select(MathF.Abs)];

        // The step the kernel uses: fp32 max|x| / 127 in fp32, over each block of 32 (Q8_0, Q4_0) or each super-block of
        // 256 (Q4_K, Q6_K, whose blocks share their super-block's step).
        var group = type.BlockValues() == 256 ? 256 : 32;
        var scales = new double[rows * (inputs / 32)];
        for (var b = 0; b < scales.Length; b++)
        {
            scales[b] = x.AsSpan(b * 32 / group * group, group).ToArray().Max(MathF.Abs) / 127f;
        }

        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < Outputs; n++)
            {
                double exact = 0.5 * previous[(r * Outputs) + n], onGrid = exact, quantization = 0, magnitude = Math.Abs(exact);
                for (var k = 0; k < inputs; k++)
                {
                    double xk = x[(r * inputs) + k], wk = w[(n * inputs) + k], d = scales[(r * inputs / 32) + (k / 32)];
                    exact += xk * wk;
                    onGrid += d * MathF.Round(x[(r * inputs) + k] * (d == 0 ? 0f : 1f / (float)d)) * wk;
                    quantization += d * (0.5 + Math.Pow(2, -15)) * Math.Abs(wk);
                    magnitude += terms[(n * inputs) + k] * (Math.Abs(xk) + d);
                }

                var bound = quantization + (4.0 * inputs * U * magnitude);
                var actual = y[(r * Outputs) + n];
                Assert.True(Math.Abs(actual - exact) <= bound, $"{path} {type.ShortName()} row {r} output {n}: {actual} vs {exact} (bound {bound:e2})");
                var rounding = 4.0 * inputs * U * magnitude;
                Assert.True(Math.Abs(actual - onGrid) <= rounding, $"{path} {type.ShortName()} row {r} output {n}: {actual} vs {onGrid} with x on its grid (bound {rounding:e2})");
            }
        }
    }

    public static TheoryData<string, DataType> ChunkCases()
    {
        var cases = new TheoryData<string, DataType>();
        foreach (var path in new[] { DotPath.Avx512, DotPath.AvxVnni, DotPath.Avx2, DotPath.Portable })
        {
            // The paths' own kernels: no 512-bit Q8_0 kernel, no AVX-VNNI float kernels.
            DataType[] quantized = path == DotPath.Avx512 ? [DataType.Q4_0, DataType.Q4_K, DataType.Q6_K] : [DataType.Q8_0, DataType.Q4_0, DataType.Q4_K, DataType.Q6_K];
            DataType[] floats = path == DotPath.AvxVnni ? [] : [DataType.Float32, DataType.Float16, DataType.BFloat16];
            foreach (var type in quantized.Concat(floats))
            {
                cases.Add(path.ToString(), type);
            }
        }

        return cases;
    }

    /// <summary>
    /// Several rows of x meet W in chunks of its rows, each chunk taken by every row of x in turn: with chunks of a
    /// few hundred bytes (four rows of W, the least a chunk holds) each thread's 375 rows make 94 chunks, the last of
    /// three rows (no four-row step, only the one-row kernel), and every output still equals the product.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChunkCases))]
    public void Decode_SeveralRowsInSmallChunksOfW_EqualsDequantizedProduct(string pathName, DataType type)
    {
        var path = Enum.Parse<DotPath>(pathName);
        Assert.SkipUnless(DotPaths.IsSupported(path), $"this CPU lacks the instructions of the {path} path");
        if (QuantizedDot.Handles(type) || KQuantDot.Handles(type))
        {
            CheckInt8(path, type, 3, type.BlockValues() == 256 ? KQuantInputs : QuantizedInputs, chunkBytes: 256);
            return;
        }

        // Rows of 360 (the vector kernels' tails) and of 352 (whole steps: the two-row kernels for the first two rows).
        const int rows = 3;
        foreach (var inputs in new[] { HalfInputs, QuantizedInputs })
        {
            var x = EdgeActivations(rows, inputs);
            var stored = QuantizedBlocks.Quantize(type, Reference.Random(Outputs * inputs, 11, 2));
            var w = new float[Outputs * inputs];
            QuantizedBlocks.Dequantize(type, stored, w);
            var y = Run(path, type, stored, x, rows, inputs, out var previous, chunkBytes: 256);
            for (var r = 0; r < rows; r++)
            {
                for (var n = 0; n < Outputs; n++)
                {
                    var (exact, magnitude) = Expected(x, w, previous, r, n, inputs);
                    Assert.True(Math.Abs(y[(r * Outputs) + n] - exact) <= 4.0 * inputs * U * magnitude, $"{path} {type.ShortName()} {inputs} inputs row {r} output {n}: {y[(r * Outputs) + n]} vs {exact}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FloatCases))]
    public void Decode_FloatPath_EqualsDequantizedProductWithinFp32Rounding(string pathName, DataType type, int rows, int inputs)
    {
        var path = Enum.Parse<DotPath>(pathName);
        Assert.SkipUnless(DotPaths.IsSupported(path), $"this CPU lacks the instructions of the {path} path");
        var x = EdgeActivations(rows, inputs);
        var values = Reference.Random(Outputs * inputs, 11, 2);
        // Values at the ends of fp16's range: the largest finite, the smallest normal and a subnormal, zeros of both signs.
        values[0] = 65504f;
        values[1] = -6.1035156e-5f;
        values[2] = 5.9604645e-8f;
        values[3] = -0f;
        var stored = QuantizedBlocks.Quantize(type, values);
        var w = new float[values.Length];
        QuantizedBlocks.Dequantize(type, stored, w);

        // fp16 also as weights known to be finite (the kernels without the per-step exponent check).
        foreach (var finite in type == DataType.Float16 ? new[] { false, true } : [false])
        {
            var y = Run(path, type, stored, x, rows, inputs, out var previous, finite);
            for (var r = 0; r < rows; r++)
            {
                for (var n = 0; n < Outputs; n++)
                {
                    var (exact, magnitude) = Expected(x, w, previous, r, n, inputs);

                    var bound = 4.0 * inputs * U * magnitude;
                    var actual = y[(r * Outputs) + n];
                    Assert.True(Math.Abs(actual - exact) <= bound, $"{path} {type.ShortName()} (finite {finite}) row {r} output {n}: {actual} vs {exact} (bound {bound:e2})");
                }
            }
        }
    }

    /// <summary>
    /// fp16 rows holding infinities and NaNs come out as IEEE arithmetic says (a file may hold them; the widening must
    /// not turn them into large finite values): an infinity times a non-zero x is that infinity, +∞ and −∞ in one row
    /// or a NaN give NaN; in rows of every part of the range (7, 100, 374, 500, 600) and, with 360 inputs, in the tail
    /// after the last whole step (600); with 352 (a multiple of 32) the four-stream kernels (AVX-512 and AVX2) take
    /// them at batch 1, and at batch 5 their two-row forms take rows 0-3 of x. Every other row stays within fp32 rounding.
    /// </summary>
    [Theory]
    [InlineData("Avx512", 1, QuantizedInputs)]
    [InlineData("Avx512", 1, HalfInputs)]
    [InlineData("Avx512", 5, HalfInputs)]
    [InlineData("Avx512", 5, QuantizedInputs)]
    [InlineData("Avx2", 1, QuantizedInputs)]
    [InlineData("Avx2", 1, HalfInputs)]
    [InlineData("Avx2", 5, HalfInputs)]
    [InlineData("Avx2", 5, QuantizedInputs)]
    [InlineData("Portable", 1, HalfInputs)]
    public void Decode_Fp16InfinitiesAndNaNs_GiveIeeeResultsInTheirRowsOnly(string pathName, int rows, int inputs)
    {
        var path = Enum.Parse<DotPath>(pathName);
        Assert.SkipUnless(DotPaths.IsSupported(path), $"this CPU lacks the instructions of the {path} path");
        var x = Reference.Random(rows * inputs, 21);
        var values = Reference.Random(Outputs * inputs, 22, 2);
        values[(7 * inputs) + 40] = float.PositiveInfinity;
        values[(100 * inputs) + 3] = float.NaN;
        values[(374 * inputs) + 200] = float.NegativeInfinity;
        values[(500 * inputs) + 41] = float.PositiveInfinity;
        values[(500 * inputs) + 300] = float.NegativeInfinity;
        values[(600 * inputs) + inputs - 5] = float.NegativeInfinity;
        var y = RunFp16AgainstIeee(path, values, x, rows, inputs);

        Assert.True(float.IsInfinity(y[7]), $"an infinite weight gives an infinite output, got {y[7]}");
        Assert.True(float.IsNaN(y[100]) && float.IsNaN(y[500]), "a NaN weight, and +∞ with −∞ in one row, give NaN");
    }

    /// <summary>
    /// fp16 decode widens weights rebased (w·2^-112) and carries 2^112 on x and the sums; activations of 2^14 or more
    /// must lower that shift instead of overflowing to infinity: x up to 10^30 stays within fp32 rounding of the float64
    /// product on every path, and an infinite x gives what IEEE arithmetic gives (±∞, or NaN against a zero weight or
    /// with both signs).
    /// </summary>
    [Theory]
    [InlineData("Avx512", 1, QuantizedInputs, false)]
    [InlineData("Avx512", 5, HalfInputs, false)]
    [InlineData("Avx512", 1, QuantizedInputs, true)]
    [InlineData("Avx512", 5, QuantizedInputs, true)]
    [InlineData("Avx2", 1, HalfInputs, false)]
    [InlineData("Avx2", 1, QuantizedInputs, true)]
    [InlineData("Avx2", 5, HalfInputs, true)]
    public void Decode_Fp16LargeActivations_StayWithinFp32Rounding(string pathName, int rows, int inputs, bool infinite)
    {
        var path = Enum.Parse<DotPath>(pathName);
        Assert.SkipUnless(DotPaths.IsSupported(path), $"this CPU lacks the instructions of the {path} path");
        var x = Reference.Random(rows * inputs, 31);
        x[5] = 3e4f;
        x[40] = -1e20f;
        x[(rows * inputs) - 1] = 1e30f;
        if (infinite)
        {
            x[7] = float.PositiveInfinity;
        }

        var values = Reference.Random(Outputs * inputs, 32, 2);
        values[(3 * inputs) + 7] = 0f;
        var y = RunFp16AgainstIeee(path, values, x, rows, inputs);

        if (infinite)
        {
            Assert.True(float.IsNaN(y[3]), $"an infinite x against a zero weight gives NaN, got {y[3]}");
        }
    }

    /// <summary>
    /// Decodes fp16 weights (<paramref name="values"/> stored as fp16) on <paramref name="path"/> and checks every output:
    /// equal to the float64 result where that is ±∞ or NaN, within fp32 rounding of it elsewhere. Returns y.
    /// </summary>
    private static float[] RunFp16AgainstIeee(DotPath path, float[] values, float[] x, int rows, int inputs)
    {
        var stored = QuantizedBlocks.Quantize(DataType.Float16, values);
        var y = Run(path, DataType.Float16, stored, x, rows, inputs, out var previous);
        var w = new float[values.Length];
        QuantizedBlocks.Dequantize(DataType.Float16, stored, w);
        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < Outputs; n++)
            {
                var (exact, magnitude) = Expected(x, w, previous, r, n, inputs);
                var actual = y[(r * Outputs) + n];
                if (double.IsNaN(exact) || double.IsInfinity(exact))
                {
                    Assert.True(actual.Equals((float)exact), $"{path} row {r} output {n}: {actual}, expected {exact}");
                }
                else
                {
                    Assert.True(Math.Abs(actual - exact) <= 4.0 * inputs * U * magnitude, $"{path} row {r} output {n}: {actual} vs {exact}");
                }
            }
        }

        return y;
    }

    /// <summary>y[r, n] in float64 (0.5·previous + x[r]·W[n], as <see cref="Run"/> asks) and the sum of its terms' magnitudes.</summary>
    private static (double Exact, double Magnitude) Expected(float[] x, float[] w, float[] previous, int r, int n, int inputs)
    {
        double exact = 0.5 * previous[(r * Outputs) + n], magnitude = Math.Abs(exact);
        for (var k = 0; k < inputs; k++)
        {
            var product = (double)x[(r * inputs) + k] * w[(n * inputs) + k];
            exact += product;
            magnitude += Math.Abs(product);
        }

        return (exact, magnitude);
    }

    private static float[] Run(DotPath path, DataType type, byte[] stored, float[] x, int rows, int inputs, out float[] previous, bool finiteHalves = false, int chunkBytes = WeightLinear.ChunkBytes)
    {
        previous = Reference.Random(rows * Outputs, 12);
        var y = previous.ToArray();
        fixed (float* px = x, py = y)
        fixed (byte* pw = stored)
        {
            WeightLinear.Decode(path, type, px, pw, py, rows, Outputs, inputs, 0.5f, threads: 2, finiteHalves, chunkBytes);
        }

        return y;
    }

    /// <summary>Random rows with edge blocks (as far as x reaches): all zeros, one large value among tiny ones, a negative maximum.</summary>
    internal static float[] EdgeActivations(int rows, int inputs)
    {
        var x = Reference.Random(Math.Max(rows * inputs, 96), 10 + rows);
        x.AsSpan(0, 32).Clear();
        x[32] = 1000f;
        for (var k = 33; k < 64; k++)
        {
            x[k] = 1e-3f * x[k];
        }

        x[64] = -3f;
        return x[..(rows * inputs)];
    }

    /// <summary>Quantized random weights with edge blocks written by hand: the extreme codes and a zero scale.</summary>
    internal static byte[] EdgeWeights(DataType type, int outputs, int inputs)
    {
        var stored = QuantizedBlocks.Quantize(type, Reference.Random(outputs * inputs, 13));
        var blockBytes = type.BlockBytes();
        var half = BitConverter.HalfToUInt16Bits((Half)0.01f);
        for (var i = 0; i < 32; i++)
        {
            if (type == DataType.Q8_0)
            {
                // -128 is outside what ggml's quantizer writes but a valid int8 a file may hold.
                stored[2 + i] = unchecked((byte)(sbyte)(i % 2 == 0 ? -128 : 127));
            }
            else if (i < 16)
            {
                stored[2 + i] = (byte)(i % 2 == 0 ? 0xF0 : 0x0F);
            }
        }

        BitConverter.TryWriteBytes(stored.AsSpan(0, 2), half);
        stored[blockBytes] = 0;
        stored[blockBytes + 1] = 0;
        return stored;
    }
}

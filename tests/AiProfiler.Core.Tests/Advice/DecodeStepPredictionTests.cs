using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Tests.Advice;

public sealed class DecodeStepPredictionTests
{
    private const double Bandwidth = 50e9;
    private const double CallSeconds = 60e-6;
    private const double OpSeconds = 1.5e-6;
    private const double DeviceToHost = 10e9;

    [Fact]
    public void PredictRun_Gpt2MediumOneSequence_StepIsBytesPlusEveryCallOpAndTheLogits()
    {
        var model = ModelCatalog.Find("gpt2-medium")!;

        var (_, tpot, basis) = Advisor.PredictRun(model, WeightPrecision.Find("fp32")!, Calibrated(), 1, 256, 32);

        // Weights multiplied per token: 24 x (c_attn 3D² + c_proj D² + c_fc 4D² + mlp c_proj 4D²) + the LM head V·D,
        // D = 1024, V = 50257; fp32.
        const double weights = ((24.0 * 12 * 1024 * 1024) + (50257.0 * 1024)) * 4;
        // K and V, 24 layers x 1024 wide in fp32, at the mean context 256 + 32/2 = 272 tokens.
        const double cache = 2.0 * 24 * 1024 * 4 * 272;
        // Per block 4 GEMMs and attention (5 calls); 2 LayerNorms, 4 bias adds, GELU and, at batch 1, a Q copy and a
        // K and V copy per head (1 + 2 x 16): 40 small operations. Plus the LM head; embedding 5 and logits 3 small ones.
        const double calls = (24 * 5) + 1, small = (24 * 40) + 8;
        var expected = ((weights + cache) / Bandwidth) + (calls * CallSeconds) + (small * OpSeconds) + (50257.0 * 4 / DeviceToHost);
        Assert.True(Math.Abs(tpot - expected) <= 1e-12 * 16 * expected, $"TPOT {tpot} s, expected {expected} s");
        Assert.Contains("call 60 us, op 1.5 us", basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_Gpt2BatchOfFour_MovesQkvWithThreeSmallGemmsInsteadOfPerHeadCopies()
    {
        var model = ModelCatalog.Find("gpt2-medium")!;

        var decode = ForwardOperations.Count(model, 4, 1);
        var prefill = ForwardOperations.Count(model, 4, 128);

        Assert.Equal(new ForwardOperations((24 * 5) + 1, (24 * (7 + 3)) + 8), decode);
        // Prefill writes K and V of each of the 4 sequences with a GEMM and a bias GEMM each (16 more calls per block)
        // and swaps Q and the attention output between token and head order.
        Assert.Equal(new ForwardOperations((24 * (5 + 16)) + 1, (24 * (7 + 2)) + 8), prefill);
    }

    [Fact]
    public void Count_LlamaAndQwen_CopiesPerKvHeadAndQwensBiases()
    {
        var llama = ModelCatalog.Find("llama-3.2-1b")!;
        var qwen = ModelCatalog.Find("qwen2.5-0.5b")!;

        // Llama-3.2-1B: 16 blocks of 8 calls; 6 small operations plus K and V copies per sequence and KV head (8).
        Assert.Equal(new ForwardOperations((16 * 8) + 1, (16 * (6 + (2 * 2 * 8))) + 6), ForwardOperations.Count(llama, 2, 1));
        // Qwen2.5-0.5B: 24 blocks, 2 KV heads, three bias adds per block; prefill adds four axis swaps.
        Assert.Equal(new ForwardOperations((24 * 8) + 1, (24 * (6 + 4 + 3 + 4)) + 6), ForwardOperations.Count(qwen, 1, 64));
    }

    [Fact]
    public void PredictRun_QuantizedWithItsOwnGemvCeiling_StreamsWeightsAtThatRate()
    {
        var model = ModelCatalog.Find("llama-3.2-1b")!;
        var q8 = WeightPrecision.Find("q8_0")!;
        var plain = Calibrated();
        var measured = plain with { Workloads = [.. plain.Workloads, new WorkloadCeiling("decode-bandwidth", "q8_0", Rate(10e9), "test")] };

        var (_, fallback, _) = Advisor.PredictRun(model, q8, plain, 1, 64, 8);
        var (_, slower, basis) = Advisor.PredictRun(model, q8, measured, 1, 64, 8);

        // Only the weight term changes: their bytes at 10 GB/s instead of the fp32 GEMV's 50 GB/s.
        var weights = ModelArithmetic.MatmulParametersPerStep(model, 1) * 34 / 32;
        var difference = (weights / 10e9) - (weights / Bandwidth);
        Assert.True(Math.Abs(slower - fallback - difference) <= 1e-12 * 16 * slower, $"{slower} - {fallback} != {difference}");
        Assert.Contains("decode 10 GB/s (q8_0)", basis, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictRun_GemvPassesSpread_StreamsWeightsAndCacheAtTheMedianPass()
    {
        var model = ModelCatalog.Find("gpt2-medium")!;
        var fp32 = WeightPrecision.Find("fp32")!;
        var steady = Calibrated();
        // The same best pass, 50 GB/s, but the typical pass at 40 GB/s.
        var spread = steady with
        {
            Workloads = [.. steady.Workloads.Select(w => w.Kind == "decode-bandwidth" ? w with { Rate = new MeasuredRate(40e9, 30e9, Bandwidth, 14) } : w)],
        };

        var (_, fast, _) = Advisor.PredictRun(model, fp32, steady, 1, 256, 32);
        var (_, typical, basis) = Advisor.PredictRun(model, fp32, spread, 1, 256, 32);

        // Weights and the KV cache at the mean context (272 tokens) both stream at 40 GB/s instead of 50.
        const double bytes = (((24.0 * 12 * 1024 * 1024) + (50257.0 * 1024)) * 4) + (2.0 * 24 * 1024 * 4 * 272);
        const double difference = (bytes / 40e9) - (bytes / Bandwidth);
        Assert.True(Math.Abs(typical - fast - difference) <= 1e-12 * 16 * typical, $"{typical} - {fast} != {difference}");
        Assert.Contains("decode 40 GB/s", basis, StringComparison.Ordinal);
    }

    private static MeasuredRate Rate(double value) => new(value, value, value, 1);

    private static DeviceCalibration Calibrated() => new()
    {
        DeviceId = "opencl:0",
        DeviceName = "test",
        Kind = "opencl",
        MemoryBytes = 64L << 30,
        MeasuredAt = new DateTimeOffset(2026, 12, 4, 1, 0, 0, TimeSpan.Zero),
        Compute = [new ComputeCeiling("fp32", Rate(1e15), 1e15, "test")],
        Bandwidth = Rate(Bandwidth),
        DeviceToHost = Rate(DeviceToHost),
        Workloads =
        [
            new WorkloadCeiling("prefill-gemm", "fp32", Rate(1e15), "test"),
            new WorkloadCeiling("decode-bandwidth", "fp32", Rate(Bandwidth), "test"),
            new WorkloadCeiling("call-latency", "fp32", Rate(CallSeconds), "test"),
            new WorkloadCeiling("op-latency", "fp32", Rate(OpSeconds), "test"),
        ],
    };
}

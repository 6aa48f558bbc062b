using AiProfiler.Abstractions.Devices;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Core.Tests.Advice;

public sealed class AdvisorTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void Advise_DecodeOnBandwidth_TpotIsBytesOverBandwidthPlusCallsOpsAndLogits()
    {
        var model = ModelCatalog.Find("llama-3.1-8b")!;
        var scenario = Scenario("llama-3.1-8b", "q4_k", ServiceLevelObjectives.MlperfServer) with { Concurrency = 1 };
        var device = Device("cpu", gemm: 1e15, bandwidth: 50e9, memory: 64 * GiB);
        device = device with
        {
            Calibration = device.Calibration with
            {
                Workloads = [.. device.Calibration.Workloads, Ceiling("call-latency", 40e-6), Ceiling("op-latency", 2e-6), Ceiling("decode-bandwidth", 20e9, "q4_k")],
            },
        };

        var advice = Advisor.Advise(scenario, model, [device]);

        var cpu = advice.Predictions.Single();
        // Weights at Q4_K's 144/256 bytes over the q4_k GEMV's 20 GB/s; the fp16 KV cache at the mean context of 576
        // tokens over the fp32 GEMV's 50 GB/s. Then, per llama block, 8 calls (Q, K, V, O, gate, up, down, attention) and
        // 6 small operations plus a K and a V copy per KV head (8): 32 x 8 + 1 = 257 calls, 32 x 22 + 6 = 710 small
        // operations; and 128256 fp32 logits read back at the memory bandwidth (50 GB/s).
        var weights = ModelArithmetic.MatmulParametersPerStep(model, 1) * 144.0 / 256 / 20e9;
        var cache = ModelArithmetic.KvBytesPerToken(model, 2) * (512 + 64) / 50e9;
        var expected = weights + cache + (257 * 40e-6) + (710 * 2e-6) + (128256 * 4 / 50e9);
        Assert.True(Math.Abs(cpu.Tpot!.Value - expected) <= 1e-12 * 16 * expected, $"TPOT {cpu.Tpot.Value} s, expected {expected} s");
        Assert.Equal("bandwidth", cpu.Bound);
        Assert.Equal(FigureOrigin.Predicted, cpu.Tpot.Origin);
        Assert.Contains("cpu calibrated", cpu.Tpot.Basis, StringComparison.Ordinal);
        Assert.Contains("decode 20 GB/s (q4_k), call 40 us, op 2 us", cpu.Tpot.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_PrefillRateMeasuredInTheWeightType_TtftUsesItAndOtherTypesKeepFp32s()
    {
        var model = ModelCatalog.Find("llama-3.1-8b")!;
        var device = Device("cpu", gemm: 200e9, bandwidth: 50e9, memory: 64 * GiB);
        // The q4_k prefill decodes its weights before the GEMM: half fp32's rate. Its spread must not matter: the
        // fastest pass is the figure.
        device = device with
        {
            Calibration = device.Calibration with
            {
                Workloads = [.. device.Calibration.Workloads, new WorkloadCeiling("prefill-gemm", "q4_k", new MeasuredRate(80e9, 40e9, 100e9, 7), "test")],
            },
        };

        double Ttft(string precision) => Advisor.Advise(Scenario("llama-3.1-8b", precision, ServiceLevelObjectives.MlperfServer) with { Concurrency = 1 }, model, [device])
            .Predictions.Single().Ttft!.Value;

        // Prefill of 512 tokens is compute-bound at both rates, so TTFT scales with 1 / rate, less the fixed costs
        // and the decode step both share.
        var q4k = Ttft("q4_k");
        var q8 = Ttft("q8_0");
        var flops = 2.0 * ModelArithmetic.MatmulParametersPerToken(model) * 512;
        Assert.True(q4k - q8 > 0.9 * ((flops / 100e9) - (flops / 200e9)), $"q4_k TTFT {q4k} s against q8_0's {q8} s");
        Assert.True(q4k - q8 < 1.1 * ((flops / 100e9) - (flops / 200e9)), $"q4_k TTFT {q4k} s against q8_0's {q8} s");
    }

    [Theory]
    [InlineData("gpt2-medium", 0.5)]
    [InlineData("llama-3.2-1b", 1.0)]
    [InlineData("llama-3.1-8b", 1.0)]
    public void Advise_NarrowPrefillGemmCalibrated_ModelsOf1024WidthPrefillAtItsRate(string name, double share)
    {
        var model = ModelCatalog.Find(name)!;
        var plain = Device("cpu", gemm: 200e9, bandwidth: 50e9, memory: 64 * GiB);
        var narrow = plain with
        {
            Calibration = plain.Calibration with
            {
                Workloads = [.. plain.Calibration.Workloads, new WorkloadCeiling("prefill-gemm-narrow", "fp32", new MeasuredRate(100e9, 100e9, 100e9, 1), "test")],
            },
        };

        double Ttft(AdviceDevice device) => Advisor.Advise(Scenario(name, "fp32", ServiceLevelObjectives.MlperfServer) with { Concurrency = 1 }, model, [device])
            .Predictions.Single().Ttft!.Value;

        // GPT-2 medium is 1024 wide: its prefill runs at the narrow rate, half the wide one, so its compute time doubles;
        // models 2048 wide or more keep the wide rate.
        // Prefill's GEMM FLOPs: every layer for the 512 prompt tokens, the output head for the last token only (causal
        // attention goes at the attention call's rate, which the width does not scale).
        var head = (double)model.Vocab * model.DModel;
        var flops = (2.0 * (ModelArithmetic.MatmulParametersPerToken(model) - head) * 512) + (2 * head);
        var expected = (flops / (share * 200e9)) - (flops / 200e9);
        var added = Ttft(narrow) - Ttft(plain);
        Assert.True(Math.Abs(added - expected) <= (1e-9 * flops / 200e9) + 1e-12, $"{name}: TTFT grew by {added} s, expected {expected} s");
    }

    [Theory]
    [InlineData(32, 0.25)]
    [InlineData(16, 0.25)]
    [InlineData(64, 0.25 * 1.5874010519681994)]
    [InlineData(256, 1.0)]
    [InlineData(512, 1.0)]
    public void Advise_ShortPromptGemmCalibrated_PromptsUnder256TokensPrefillAtTheInterpolatedRate(int prompt, double share)
    {
        var model = ModelCatalog.Find("llama-3.1-8b")!;
        var plain = Device("cpu", gemm: 200e9, bandwidth: 50e9, memory: 64 * GiB);
        var shortRate = plain with
        {
            Calibration = plain.Calibration with
            {
                Workloads = [.. plain.Calibration.Workloads, new WorkloadCeiling("prefill-gemm-short", "fp32", new MeasuredRate(50e9, 50e9, 50e9, 1), "test")],
            },
        };

        double Ttft(AdviceDevice device) => Advisor.Advise(Scenario("llama-3.1-8b", "fp32", ServiceLevelObjectives.MlperfServer) with { Concurrency = 1, PromptTokens = prompt }, model, [device])
            .Predictions.Single().Ttft!.Value;

        // The 32-token rate is a quarter of the 512-token one: at 32 tokens and below prefill's GEMMs run at it, from
        // 256 up at the full rate, and at 64 (a third of the way from 32 to 256 on log2) at 0.25^(2/3) of it. The
        // attention call has its own rate (here, uncalibrated, the 512-token GEMM rate), which the prompt does not scale.
        var head = (double)model.Vocab * model.DModel;
        var flops = (2.0 * (ModelArithmetic.MatmulParametersPerToken(model) - head) * prompt) + (2 * head);
        var expected = (flops / (share * 200e9)) - (flops / 200e9);
        var added = Ttft(shortRate) - Ttft(plain);
        Assert.True(Math.Abs(added - expected) <= (1e-9 * flops / 200e9) + 1e-12, $"prompt {prompt}: TTFT grew by {added} s, expected {expected} s");
    }

    [Theory]
    [InlineData(32)]
    [InlineData(256)]
    [InlineData(768)]
    public void Advise_AttentionCalibrated_PrefillAttentionFlopsGoAtItsRateAndTheGemmsAtTheGemmRate(int prompt)
    {
        var model = ModelCatalog.Find("gpt2-medium")!;
        var plain = Device("cuda:0", gemm: 30e12, bandwidth: 3000e9, memory: 80 * GiB);
        var slowAttention = plain with
        {
            Calibration = plain.Calibration with
            {
                Workloads = [.. plain.Calibration.Workloads, new WorkloadCeiling("prefill-attention", "fp32", new MeasuredRate(0.9e12, 0.5e12, 0.9e12, 5), "test")],
            },
        };

        DevicePrediction Predict(AdviceDevice device) => Advisor.Advise(Scenario("gpt2-medium", "fp32", ServiceLevelObjectives.MlperfServer) with { Concurrency = 1, PromptTokens = prompt }, model, [device])
            .Predictions.Single();

        // Attention over a prompt of N tokens is 4·L·H·d·N²/2 FLOPs; at 0.9 TFLOP/s instead of the GEMM's 30 it
        // costs that much longer, and the longer the prompt the more (quadratic against the GEMMs' linear growth).
        var attention = prompt * ModelArithmetic.AttentionFlopsPerToken(model, prompt / 2.0);
        var expected = (attention / 0.9e12) - (attention / 30e12);
        var added = Predict(slowAttention).Ttft!.Value - Predict(plain).Ttft!.Value;
        Assert.True(Math.Abs(added - expected) <= 1e-9 * expected, $"prompt {prompt}: TTFT grew by {added} s, expected {expected} s");
        Assert.Contains("attention 900 GFLOP/s", Predict(slowAttention).CalibrationBasis, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt2-medium", 32)]
    [InlineData("gpt2-medium", 512)]
    [InlineData("llama-3.2-1b", 256)]
    [InlineData("qwen2.5-0.5b", 128)]
    public void Advise_ElementwiseCalibrated_EachPromptTokensActivationsGoAtItsRateAndDecodeIsUnchanged(string name, int prompt)
    {
        var model = ModelCatalog.Find(name)!;
        var plain = Device("cpu", gemm: 300e9, bandwidth: 40e9, memory: 64 * GiB);
        var withElementwise = plain with
        {
            Calibration = plain.Calibration with
            {
                Workloads = [.. plain.Calibration.Workloads, new WorkloadCeiling("prefill-elementwise", "fp32", new MeasuredRate(20e9, 5e9, 60e9, 5), "test")],
            },
        };

        DevicePrediction Predict(AdviceDevice device) => Advisor.Advise(Scenario(name, "fp32", ServiceLevelObjectives.MlperfServer) with { Concurrency = 1, PromptTokens = prompt }, model, [device])
            .Predictions.Single();

        // Each prompt token's activations are read and written once per small operation, in fp32, at the median pass.
        var expected = prompt * ForwardOperations.PrefillActivationValues(model) * sizeof(float) / 20e9;
        var added = Predict(withElementwise).Ttft!.Value - Predict(plain).Ttft!.Value;
        Assert.True(Math.Abs(added - expected) <= 1e-9 * expected, $"{name} prompt {prompt}: TTFT grew by {added} s, expected {expected} s");
        Assert.Equal(Predict(plain).Tpot!.Value, Predict(withElementwise).Tpot!.Value, 12);
        Assert.Contains("element-wise 20 GB/s", Predict(withElementwise).CalibrationBasis, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpt2-medium", "fp32", "fp32")]
    [InlineData("gpt2-xl", "fp32", "fp32")]
    [InlineData("llama-3.1-8b", "fp32", "fp32")]
    [InlineData("llama-3.2-1b", "q8_0", "q8_0")]
    [InlineData("llama-3.2-3b", "q4_k", "q4_k")]
    [InlineData("llama-3.1-8b", "q8_0", "q8_0")]
    [InlineData("gpt2-medium", "q8_0", "fp32")]
    public void Advise_NarrowDecodeCalibrated_StepsOfNarrowModelsStreamAtItsRateLessTheCallCost(string name, string precision, string narrowPrecision)
    {
        var model = ModelCatalog.Find(name)!;
        var plain = Device("cpu", gemm: 300e9, bandwidth: 60e9, memory: 256 * GiB);
        var call = new WorkloadCeiling("call-latency", "fp32", new MeasuredRate(10e-6, 5e-6, 20e-6, 5), "test");
        var decode = new WorkloadCeiling("decode-bandwidth", precision, new MeasuredRate(60e9, 50e9, 70e9, 5), "test");
        var withCallOnly = plain with { Calibration = plain.Calibration with { Workloads = [.. plain.Calibration.Workloads, call, decode] } };
        // The narrow block's GEMVs in turn at 40 GB/s, 10 µs of which per call is the fixed cost the prediction adds
        // anyway: what is left is a per-byte rate below the 60 GB/s of the large weight.
        var withNarrow = withCallOnly with
        {
            Calibration = withCallOnly.Calibration with
            {
                Workloads = [.. withCallOnly.Calibration.Workloads, new WorkloadCeiling("decode-bandwidth-narrow", narrowPrecision, new MeasuredRate(40e9, 30e9, 50e9, 5), "test")],
            },
        };

        double Tpot(AdviceDevice device) => Advisor.Advise(Scenario(name, precision, ServiceLevelObjectives.MlperfServer) with { Concurrency = 1 }, model, [device])
            .Predictions.Single().Tpot!.Value;

        // At the block's width (1024 for fp32, GPT-2 medium's; 2048 for the other types, Llama-3.2-1B's) and below the
        // whole ratio, wider models less of it on log2(width), 4096 none; a narrow rate in another precision, none.
        var fp32 = precision == "fp32";
        var anchor = fp32 ? 1024.0 : 2048.0;
        var bytes = fp32 ? DecodeCostCalibrator.NarrowBlockBytes : DecodeCostCalibrator.NarrowLinearBlockBytes(DataTypeExtensions.ParseShortName(precision));
        var calls = fp32 ? 4 : 7;
        var ratio = 1 / (60e9 * ((1 / 40e9) - (calls * 10e-6 / bytes)));
        var exponent = narrowPrecision == precision ? 1 - Math.Clamp(Math.Log2(model.DModel / anchor) / Math.Log2(4096 / anchor), 0, 1) : 0;
        var weights = ModelArithmetic.MatmulParametersPerStep(model, 1) * WeightPrecision.Find(precision)!.BytesPerWeight;
        var expected = (weights / (60e9 * Math.Pow(ratio, exponent))) - (weights / 60e9);
        var added = Tpot(withNarrow) - Tpot(withCallOnly);
        Assert.True(Math.Abs(added - expected) <= 1e-9 * Math.Max(expected, 1e-3), $"{name} {precision}: TPOT grew by {added} s, expected {expected} s");
        Assert.True(ratio is > 0.5 and < 1, $"ratio {ratio}");
        Assert.Equal(name is "gpt2-medium" or "gpt2-xl" or "llama-3.2-1b" or "llama-3.2-3b" && narrowPrecision == precision, added > 0);
    }

    [Fact]
    public void PrefillActivationValues_CountsWhatTheDecodersSmallOperationsTouchPerToken()
    {
        // GPT-2 medium: 24 blocks of 30·D with D = 1024.
        Assert.Equal(24 * 30.0 * 1024, ForwardOperations.PrefillActivationValues(ModelCatalog.Find("gpt2-medium")!));
        // Llama-3.2-1B: 16 blocks, D = 2048, 32 query heads and 8 KV heads of 64, F = 8192: 4·D + 6·D_q + 10·D_kv + 5·F.
        Assert.Equal(16 * ((4.0 * 2048) + (6 * 2048) + (10 * 512) + (5 * 8192)), ForwardOperations.PrefillActivationValues(ModelCatalog.Find("llama-3.2-1b")!));
        // Qwen2.5-0.5B: 24 blocks, D = 896, 14 query heads and 2 KV heads of 64, F = 4864, and the Q/K/V bias adds.
        Assert.Equal(24 * ((4.0 * 896) + (8 * 896) + (14 * 128) + (5 * 4864)), ForwardOperations.PrefillActivationValues(ModelCatalog.Find("qwen2.5-0.5b")!));
    }

    [Theory]
    [InlineData("prefill-gemm", 300.0)]
    [InlineData("prefill-elementwise", 200.0)]
    [InlineData("decode-bandwidth", 200.0)]
    [InlineData("call-latency", 200.0)]
    [InlineData("op-latency", 100.0)]
    public void WorkloadCeiling_Value_IsTheBestPassOfAGemmRateAndTheMedianOfTheGemvRateAndCallCost(string kind, double expected)
    {
        var ceiling = new WorkloadCeiling(kind, "fp32", new MeasuredRate(200, 100, 300, 7), "test");

        Assert.Equal(expected, ceiling.Value);
    }

    [Fact]
    public void Advise_SlowCpuFastAccelerator_VerdictSaysTheGpuIsNeededWithTheCpuReason()
    {
        var scenario = Scenario("llama-3.1-8b", "q4_k", ServiceLevelObjectives.MlperfInteractive);

        var advice = Advisor.Advise(scenario, ModelCatalog.Find("llama-3.1-8b")!,
            [Device("cpu", 500e9, 20e9, 64 * GiB), Device("cuda:0", 400e12, 3000e9, 80 * GiB)]);

        var cpu = advice.Predictions.Single(p => p.DeviceId == "cpu");
        var gpu = advice.Predictions.Single(p => p.DeviceId == "cuda:0");
        Assert.Equal(0, cpu.MaxConcurrency);
        Assert.True(gpu.MaxConcurrency > 10, $"gpu serves {gpu.MaxConcurrency}");
        Assert.StartsWith("llama-3.1-8b q4_k, 512+128 tokens, SLO mlperf-interactive: cpu serves 0 users (TPOT ", advice.Verdict, StringComparison.Ordinal);
        Assert.Contains("> 30 ms)", advice.Verdict, StringComparison.Ordinal);
        Assert.Contains($"cuda:0 serves {gpu.MaxConcurrency} users", advice.Verdict, StringComparison.Ordinal);
        Assert.EndsWith("— an accelerator is needed", advice.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_SmallModelOnACpu_CpuIsEnoughUpToItsMaximum()
    {
        var advice = Advisor.Advise(Scenario("qwen2.5-0.5b", "q8_0", ServiceLevelObjectives.MlperfServer), ModelCatalog.Find("qwen2.5-0.5b")!,
            [Device("cpu", 400e9, 40e9, 16 * GiB)]);

        var cpu = advice.Predictions.Single();
        Assert.True(cpu.MaxConcurrency >= 1);
        Assert.True(cpu.MeetsSlo);
        Assert.EndsWith($"— the CPU is enough (up to {cpu.MaxConcurrency} concurrent users)", advice.Verdict, StringComparison.Ordinal);
        // One more user than the maximum must break the SLO or the memory.
        var over = Advisor.Advise(Scenario("qwen2.5-0.5b", "q8_0", ServiceLevelObjectives.MlperfServer) with { Concurrency = cpu.MaxConcurrency + 1 },
            ModelCatalog.Find("qwen2.5-0.5b")!, [Device("cpu", 400e9, 40e9, 16 * GiB)]).Predictions.Single();
        Assert.False(over.MeetsSlo);
    }

    [Fact]
    public void Advise_ModelLargerThanMemory_VerdictNamesTheShortfall()
    {
        var advice = Advisor.Advise(Scenario("llama-3.1-70b", "fp16", ServiceLevelObjectives.MlperfServer), ModelCatalog.Find("llama-3.1-70b")!,
            [Device("cpu", 1e12, 100e9, 24 * GiB)]);

        var cpu = advice.Predictions.Single();
        Assert.False(cpu.Memory.Fits);
        Assert.Equal("memory", cpu.Bound);
        Assert.Contains("cpu serves 0 users (does not fit: needs 13", advice.Verdict, StringComparison.Ordinal);
        Assert.Contains("GiB, 24 GiB free)", advice.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_MoreBandwidth_ServesMoreUsers()
    {
        var model = ModelCatalog.Find("llama-3.2-1b")!;
        var scenario = Scenario("llama-3.2-1b", "bf16", ServiceLevelObjectives.MlperfServer);

        var slow = Advisor.Advise(scenario, model, [Device("cpu", 2e12, 50e9, 64 * GiB)]).Predictions.Single();
        var fast = Advisor.Advise(scenario, model, [Device("cpu", 2e12, 200e9, 64 * GiB)]).Predictions.Single();

        Assert.True(fast.MaxConcurrency > slow.MaxConcurrency, $"{fast.MaxConcurrency} vs {slow.MaxConcurrency}");
        Assert.True(fast.MaxRequestRate > slow.MaxRequestRate);
    }

    [Fact]
    public void Advise_FineTuning_LoraNeedsLessMemoryAndTimeThanFull()
    {
        var model = ModelCatalog.Find("llama-3.2-1b")!;
        var full = Scenario("llama-3.2-1b", "bf16", ServiceLevelObjectives.MlperfServer) with { Task = AdviceTask.FineTune };
        var device = Device("cpu", 1e12, 50e9, 16 * GiB);

        var fullPrediction = Advisor.Advise(full, model, [device]).Predictions.Single();
        var lora = Advisor.Advise(full with { LoraRank = 16 }, model, [device]).Predictions.Single();

        // Full fine-tuning in bf16 keeps 2 bytes of gradient and 12 of optimizer state (two moments, fp32 master) per weight.
        var parameters = ModelArithmetic.TotalParameters(model);
        Assert.Equal(2 * parameters, fullPrediction.Memory.GradientBytes);
        Assert.Equal(12 * parameters, fullPrediction.Memory.OptimizerBytes);
        Assert.True(lora.Memory.RequiredBytes < fullPrediction.Memory.RequiredBytes / 2);
        Assert.True(lora.StepTime!.Value < fullPrediction.StepTime!.Value);
        // About 4 FLOPs per frozen weight against 6 per trained one.
        Assert.InRange(lora.StepTime.Value / fullPrediction.StepTime.Value, 0.6, 0.75);
    }

    [Fact]
    public void Advise_PrecisionTheDeviceCannotRun_IsNotRunnableWithTheReason()
    {
        var device = Device("opencl:0", 1e12, 50e9, 16 * GiB) with { UnsupportedPrecisions = new HashSet<string> { "bf16" } };

        var prediction = Advisor.Advise(Scenario("gpt2", "bf16", ServiceLevelObjectives.MlperfServer), ModelCatalog.Find("gpt2")!, [device]).Predictions.Single();

        Assert.Equal("opencl:0 cannot compute in bf16", prediction.NotRunnable);
        Assert.Equal(0, prediction.MaxConcurrency);
    }

    private static AdviceScenario Scenario(string model, string precision, ServiceLevelObjective slo) => new()
    {
        Name = $"{model} {precision}",
        Model = model,
        Precision = precision,
        PromptTokens = 512,
        OutputTokens = 128,
        Slo = slo,
    };

    private static WorkloadCeiling Ceiling(string kind, double value, string precision = "fp32") =>
        new(kind, precision, new MeasuredRate(value, value, value, 1), "test");

    private static AdviceDevice Device(string id, double gemm, double bandwidth, long memory)
    {
        var at = new DateTimeOffset(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);
        var calibration = new DeviceCalibration
        {
            DeviceId = id,
            DeviceName = id,
            Kind = id == "cpu" ? "cpu" : "gpu",
            MemoryBytes = memory,
            MeasuredAt = at,
            Compute = [new ComputeCeiling("fp32", new MeasuredRate(gemm, gemm, gemm, 1), gemm, "test")],
            Bandwidth = new MeasuredRate(bandwidth, bandwidth, bandwidth, 1),
            Workloads =
            [
                new WorkloadCeiling("prefill-gemm", "fp32", new MeasuredRate(gemm, gemm, gemm, 1), "test"),
                new WorkloadCeiling("decode-bandwidth", "fp32", new MeasuredRate(bandwidth, bandwidth, bandwidth, 1), "test"),
            ],
        };
        return new AdviceDevice(calibration, memory, new HashSet<string>());
    }
}

using System.Diagnostics;
using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// A decoder with its weights on one device and the batch's prompts; one iteration generates <c>gen</c> tokens per
/// sequence greedily: a prefill that yields the first token, then one cached decode step per further token.
/// </summary>
internal sealed class PreparedInference : IPreparedWorkload
{
    /// <summary>Cached and recomputed logits differ only by summation order; a wrong cache row moves them by far more.</summary>
    internal const double Tolerance = 1e-3;

    private const ulong PromptStream = 0x70726F6D7074UL;

    private readonly IDevice _device;
    private readonly InferenceSettings _settings;
    private readonly IDecoder _decoder;
    private readonly string _weights;
    private readonly int[] _prompts;
    private readonly int[] _tokens;
    private readonly int[] _lastRows;
    private readonly int[] _batchRows;
    private readonly int[] _stepTokens;
    private readonly int[] _next;
    private readonly float[] _logits;

    /// <summary>
    /// The bound of the cached-against-recomputed comparison: <see cref="Tolerance"/>, or wider where the device rounds
    /// x before multiplying it with the weights (<see cref="ITensorOps.LinearInputType"/>), since cached decode and the
    /// recompute may take different paths (the GEMV and the GEMM) or reach each x through fp32 sums in different
    /// orders, so a value near a rounding boundary lands one step apart, and the residual stream carries that
    /// difference to the logits. See <see cref="VerificationTolerance"/>.
    /// </summary>
    private readonly double _tolerance;

    private bool _generated;

    private PreparedInference(IDevice device, InferenceSettings settings, IDecoder decoder, string weights)
    {
        _device = device;
        _settings = settings;
        _weights = weights;
        _decoder = decoder;
        var b = settings.Batch;
        var p = settings.Prompt;
        _prompts = new int[b * p];
        var vocab = settings.Llama?.Vocab ?? settings.Config.Vocab;
        for (var i = 0; i < _prompts.Length; i++)
        {
            _prompts[i] = settings.PromptIds.Count > 0 ? settings.PromptIds[i % p] : SeededRandom.Below(PromptStream ^ (ulong)settings.Seed, i, vocab);
        }

        _tokens = new int[b * settings.Generate];
        _lastRows = Enumerable.Range(0, b).Select(s => (s * p) + p - 1).ToArray();
        _batchRows = Enumerable.Range(0, b).ToArray();
        _stepTokens = new int[b];
        _next = new int[b];
        _logits = new float[(long)_decoder.LogitRows * vocab];
        Cost = InferenceCostModel.IterationCost(settings) with { Precision = ComputeType(decoder.WeightTypes) };
        _tolerance = VerificationTolerance(device.Ops.LinearInputType, decoder.WeightTypes, settings.Llama?.Layers ?? settings.Config.Layers);
    }

    public string Shape => _settings.Describe(_weights);

    /// <summary>
    /// The type the run's peak is taken for: a block-quantized type where any weight matrix is one (a Q4_K_M file
    /// holds Q4_K and Q6_K; the CPU multiplies them all as int8), else fp16 or bf16 where a matrix is, else fp32.
    /// </summary>
    internal static DataType ComputeType(IReadOnlyCollection<DataType> weightTypes) =>
        weightTypes.Where(t => t.IsBlockQuantized()).Order().FirstOrDefault(
            weightTypes.Where(t => t is DataType.Float16 or DataType.BFloat16).Order().FirstOrDefault(DataType.Float32));

    public WorkloadCost Cost { get; }

    public string Implementation => _device.Ops.GemmImplementation;

    /// <summary>The tokens of the last generation, sequence after sequence (B × gen).</summary>
    internal ReadOnlySpan<int> GeneratedTokens => _tokens;

    /// <summary>The seeded prompts, sequence after sequence (B × prompt).</summary>
    internal ReadOnlySpan<int> Prompts => _prompts;

    /// <summary>The decoder, for tests that compare its logits with a host reference.</summary>
    internal IDecoder Decoder => _decoder;

    public static PreparedInference Create(IDevice device, InferenceSettings settings)
    {
        if (settings.Llama is { } llama)
        {
            using ILlamaWeightSource source = settings.WeightsPath.Length == 0
                ? new SeededLlamaWeights(llama, settings.Seed, settings.Precision)
                : settings.WeightsPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
                    ? GgufLlamaWeights.Open(settings.WeightsPath)
                    : SafetensorsLlamaWeights.Open(settings.WeightsPath, llama);
            var decoder = LlamaDecoder.Create(device, llama, settings.Batch, InferenceCostModel.ActivationRows(settings), settings.CacheCapacity, InferenceCostModel.LogitRows(settings), source);
            return Build(device, settings with { LoadedWeightBytes = decoder.WeightBytes }, decoder, source.Description);
        }

        if (settings.GgufWeights)
        {
            using var file = GgufGptWeights.Open(settings.WeightsPath);
            var decoder = GptDecoder.Create(device, settings, file);
            return Build(device, settings with { LoadedWeightBytes = decoder.WeightBytes }, decoder, file.Description);
        }

        IWeightSource weights = settings.WeightsPath.Length == 0
            ? new SeededWeightSource(settings.Config, settings.Seed)
            : SafetensorsWeightSource.Open(settings.WeightsPath, settings.Config);
        using (weights)
        {
            return Build(device, settings, GptDecoder.Create(device, settings, weights), weights.Description);
        }
    }

    private static PreparedInference Build(IDevice device, InferenceSettings settings, IDecoder decoder, string weights)
    {
        try
        {
            return new PreparedInference(device, settings, decoder, weights);
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    public void Run(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Generate(context, null);
    }

    public VerificationResult Verify()
    {
        var quiet = new IterationContext(CancellationToken.None, [], isWarmup: true);
        if (!_generated)
        {
            Generate(quiet, null);
        }

        var first = _tokens.ToArray();
        var s = _settings;
        var v = s.Llama?.Vocab ?? s.Config.Vocab;
        var verified = new SortedDictionary<int, float[]>();
        Generate(quiet, (step, logits) =>
        {
            if (step == 0 || step >= s.Generate - (s.VerifiedSteps - 1))
            {
                verified[step] = logits.ToArray();
            }
        });
        var changed = first.Zip(_tokens).Count(pair => pair.First != pair.Second);
        if (changed > 0)
        {
            return VerificationResult.Fail(changed, string.Create(CultureInfo.InvariantCulture,
                $"greedy output is not deterministic: {changed} of {first.Length} tokens changed between two runs with seed {s.Seed}"));
        }

        // The same sequence 0 again, in one prefill without any cached state: its logits at each generated position
        // must equal what the cached decode steps produced.
        var sequence = new int[s.RecomputeLength];
        _prompts.AsSpan(0, s.Prompt).CopyTo(sequence);
        _tokens.AsSpan(0, s.Generate - 1).CopyTo(sequence.AsSpan(s.Prompt));
        _decoder.Prefill(sequence, 1, sequence.Length);
        var rows = verified.Keys.Select(step => s.Prompt - 1 + step).ToArray();
        _decoder.Logits(rows, _logits);
        var maxError = 0.0;
        var scale = 0.0;
        var worstStep = 0;
        var i = 0;
        foreach (var (step, cached) in verified)
        {
            for (var t = 0; t < v; t++)
            {
                double recomputed = _logits[((long)i * v) + t];
                scale = Math.Max(scale, Math.Abs(recomputed));
                var error = Math.Abs(cached[t] - recomputed);
                if (double.IsNaN(error))
                {
                    error = double.PositiveInfinity;
                }

                if (error > maxError)
                {
                    maxError = error;
                    worstStep = step;
                }
            }

            i++;
        }

        var relative = maxError / Math.Max(scale, 1e-30);
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"greedy output identical in two runs ({first.Length} tokens); cached decode logits against a full recompute: max relative error {relative:0.##e+0} {(relative <= _tolerance ? "<=" : ">")} {_tolerance:0.#e+0} over {verified.Count} positions");
        var ids = $"; sequence 0 generated ids {string.Join(',', first.Take(s.Generate))}";
        if (!(relative <= _tolerance))
        {
            detail += string.Create(CultureInfo.InvariantCulture, $", worst at generated token {worstStep}");
            return VerificationResult.Fail(relative, detail + ids);
        }

        return VerificationResult.Pass(relative, detail + ids);
    }

    public void Dispose() => _decoder.Dispose();

    /// <summary>
    /// One rounding step of x per layer: L/127 where x is quantized to int8 per block of 32 (a step is 1/127 of the
    /// block's largest value; the CPU with ggml block weights), L·2⁻¹⁰ where x is rounded to fp16 and L·2⁻⁷ to bf16
    /// (one unit in the last place; cuBLAS with half inputs at prefill sizes), at least <see cref="Tolerance"/>. A
    /// wrong cache row moves the logits by far more (order 1).
    /// </summary>
    internal static double VerificationTolerance(Func<DataType, DataType> inputType, IEnumerable<DataType> weightTypes, int layers) =>
        Math.Max(Tolerance, layers * weightTypes.Select(inputType).Select(InputRoundingStep).DefaultIfEmpty(0).Max());

    /// <summary>One rounding step of x, relative to the values it is rounded with, in the format it is rounded to.</summary>
    internal static double InputRoundingStep(DataType input) => input switch
    {
        DataType.Q8_0 => 1 / 127.0,
        DataType.Float16 => Math.Pow(2, -10),
        DataType.BFloat16 => Math.Pow(2, -7),
        _ => 0,
    };

    private void Generate(IterationContext context, Action<int, ReadOnlySpan<float>>? capture)
    {
        var s = _settings;
        var b = s.Batch;
        var v = s.Llama?.Vocab ?? s.Config.Vocab;
        var g = s.Generate;
        var peakBandwidth = _device.Info.PeakBandwidthBytesPerSecond;
        var peakFlops = _device.Info.PeakFlopsFor(Cost.Precision ?? DataType.Float32);

        _device.Synchronize();
        var start = Stopwatch.GetTimestamp();
        _decoder.Prefill(_prompts, b, s.Prompt);
        _decoder.Logits(_lastRows, _logits);
        GreedySampler.Pick(_logits, b, v, _next);
        var ttft = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Store(0);
        context.Record("ttft_seconds", ttft);
        context.Record("prefill_tokens_per_second", b * (double)s.Prompt / ttft);
        capture?.Invoke(0, _logits.AsSpan(0, v));

        var decodeSeconds = 0.0;
        for (var step = 1; step < g; step++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            for (var seq = 0; seq < b; seq++)
            {
                _stepTokens[seq] = _tokens[(seq * g) + step - 1];
            }

            var position = s.Prompt + step - 1;
            var stepStart = Stopwatch.GetTimestamp();
            _decoder.Decode(_stepTokens, position);
            _decoder.Logits(_batchRows, _logits);
            GreedySampler.Pick(_logits, b, v, _next);
            var seconds = Stopwatch.GetElapsedTime(stepStart).TotalSeconds;
            Store(step);
            decodeSeconds += seconds;
            var bytesPerSecond = InferenceCostModel.DecodeStepBytes(s, position) / seconds;
            context.Record("tpot_seconds", seconds);
            context.Record("decode_bytes_per_second", bytesPerSecond);
            if (peakBandwidth > 0)
            {
                context.Record("decode_mbu_ratio", bytesPerSecond / peakBandwidth);
            }

            if (peakFlops > 0)
            {
                context.Record("decode_mfu_ratio", InferenceCostModel.DecodeStepFlops(s, position) / seconds / peakFlops);
            }

            capture?.Invoke(step, _logits.AsSpan(0, v));
        }

        if (g > 1)
        {
            context.Record("decode_tokens_per_second", b * (g - 1.0) / decodeSeconds);
        }

        _generated = true;
    }

    private void Store(int step)
    {
        var g = _settings.Generate;
        for (var seq = 0; seq < _settings.Batch; seq++)
        {
            _tokens[(seq * g) + step] = _next[seq];
        }
    }
}

using System.Globalization;

namespace AiProfiler.Core.Advice;

/// <summary>
/// Answers a scenario from the calibration: per device, memory fit and the predicted TTFT, TPOT, tokens/s, the
/// largest concurrency and request rate meeting the SLO, goodput (requests/s completing within every SLO target, as
/// vLLM's <c>--goodput</c> and AIPerf count it), or the training step time; then one verdict line.
/// </summary>
public static class Advisor
{
    /// <summary>The largest concurrency searched; far above what one device serves for any catalog model.</summary>
    public const int ConcurrencyLimit = 65536;

    /// <summary>Predicts <paramref name="scenario"/> for <paramref name="model"/> on each of <paramref name="devices"/>.</summary>
    public static ScenarioAdvice Advise(AdviceScenario scenario, ModelArchitecture model, IReadOnlyList<AdviceDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(devices);
        var precision = WeightPrecision.Find(scenario.Precision)
            ?? throw new ArgumentException($"unknown precision '{scenario.Precision}'", nameof(scenario));
        var predictions = devices.Select(d => scenario.Task == AdviceTask.Inference
            ? Inference(scenario, model, precision, d)
            : Training(scenario, model, precision, d)).ToArray();
        var verdict = scenario.Task == AdviceTask.Inference
            ? InferenceVerdict(scenario, model, precision, predictions)
            : TrainingVerdict(scenario, predictions);
        return new ScenarioAdvice(scenario, model, ModelArithmetic.TotalParameters(model), ModelArithmetic.ActiveParameters(model), predictions, verdict);
    }

    /// <summary>
    /// Predicted TTFT (prefill of the whole batch) and TPOT (one decode step at the mean context) of one run of the
    /// inference workload shaped <paramref name="batch"/> × (<paramref name="prompt"/> + <paramref name="generate"/>):
    /// what <c>advise --validate</c> compares with the run.
    /// </summary>
    public static (double Ttft, double Tpot, string Basis) PredictRun(ModelArchitecture model, WeightPrecision precision, Calibration.DeviceCalibration device, int batch, int prompt, int generate)
    {
        ArgumentNullException.ThrowIfNull(device);
        var predictor = new InferencePredictor(model, precision, DeviceRates.From(device, precision, model.DModel));
        var (step, _) = predictor.DecodeStep(batch, prompt + (generate / 2.0));
        return (predictor.PrefillSeconds(batch, prompt), step, predictor.Rates.Basis);
    }

    /// <summary>
    /// Predicted step time and memory of one run of the fine-tuning workload shaped like <paramref name="model"/>:
    /// <paramref name="tokens"/> tokens per step in sequences of <paramref name="sequence"/>, all weights trained or LoRA
    /// adapters of <paramref name="loraRank"/>; what <c>advise --validate --task finetune</c> compares with the run.
    /// </summary>
    public static (double StepSeconds, long RequiredBytes, string Basis) PredictTrainingRun(ModelArchitecture model, WeightPrecision precision, Calibration.DeviceCalibration device, int tokens, int sequence, int? loraRank)
    {
        ArgumentNullException.ThrowIfNull(device);
        var predictor = new TrainingPredictor(model, precision, DeviceRates.From(device, precision, model.DModel), loraRank);
        var (seconds, _) = predictor.Step(tokens, sequence);
        return (seconds, predictor.Memory(tokens, sequence, long.MaxValue).RequiredBytes, DeviceRates.From(device, precision, model.DModel).Basis);
    }

    private static DevicePrediction Inference(AdviceScenario scenario, ModelArchitecture model, WeightPrecision precision, AdviceDevice device)
    {
        var calibration = device.Calibration;
        var rates = DeviceRates.From(calibration, precision, model.DModel);
        var predictor = new InferencePredictor(model, precision, rates);
        int prompt = scenario.PromptTokens, output = scenario.OutputTokens;
        if (NotRunnable(device, precision, rates) is { } problem)
        {
            return Refused(calibration, problem, predictor.Memory(1, prompt, output, device.AvailableBytes), rates.Basis);
        }

        bool Meets(int c)
        {
            var (ttft, tpot, _) = predictor.Serve(c, prompt, output);
            return predictor.Memory(c, prompt, output, device.AvailableBytes).Fits && ttft <= scenario.Slo.TtftSeconds && tpot <= scenario.Slo.TpotSeconds;
        }

        // TTFT, TPOT and memory all grow with concurrency, so the ones meeting the SLO are 1..max: double, then bisect.
        var max = 0;
        if (Meets(1))
        {
            int low = 1, high = 2;
            while (high <= ConcurrencyLimit && Meets(high))
            {
                low = high;
                high *= 2;
            }

            high = Math.Min(high, ConcurrencyLimit + 1);
            while (high - low > 1)
            {
                var mid = low + ((high - low) / 2);
                (low, high) = Meets(mid) ? (mid, high) : (low, mid);
            }

            max = low;
        }

        double RequestRate(int c)
        {
            var (ttft, tpot, _) = predictor.Serve(c, prompt, output);
            return c / (ttft + ((output - 1) * tpot));
        }

        var maxRate = max > 0 ? RequestRate(max) : 0;
        var concurrency = scenario.Concurrency ?? (scenario.RequestRate is { } rate ? ConcurrencyForRate(rate, RequestRate) : Math.Max(1, max));
        var (t, p, computeBound) = predictor.Serve(concurrency, prompt, output);
        var memory = predictor.Memory(concurrency, prompt, output, device.AvailableBytes);
        var meets = memory.Fits && t <= scenario.Slo.TtftSeconds && p <= scenario.Slo.TpotSeconds;
        var offered = scenario.RequestRate ?? RequestRate(concurrency);
        // With admission control a server past its limit still completes maxRate requests/s within the SLO.
        var goodput = meets ? Math.Min(offered, RequestRate(concurrency)) : maxRate;
        return new DevicePrediction
        {
            DeviceId = calibration.DeviceId,
            DeviceName = calibration.DeviceName,
            Memory = memory,
            Ttft = Predicted(t, rates.Basis),
            Tpot = Predicted(p, rates.Basis),
            TokensPerSecond = Predicted(concurrency / p, rates.Basis),
            Bound = !memory.Fits ? "memory" : computeBound ? "compute" : "bandwidth",
            Concurrency = concurrency,
            MaxConcurrency = max,
            MaxRequestRate = maxRate,
            Goodput = Predicted(goodput, rates.Basis),
            MeetsSlo = meets,
            CalibrationBasis = rates.Basis,
        };
    }

    private static int ConcurrencyForRate(double rate, Func<int, double> requestRate)
    {
        // Little's law: the concurrency at which c requests in flight complete `rate` requests per second.
        var c = 1;
        while (c < ConcurrencyLimit && requestRate(c) < rate)
        {
            c = c < 16 ? c + 1 : c + (c / 8);
        }

        return Math.Min(c, ConcurrencyLimit);
    }

    private static DevicePrediction Training(AdviceScenario scenario, ModelArchitecture model, WeightPrecision precision, AdviceDevice device)
    {
        var calibration = device.Calibration;
        var rates = DeviceRates.From(calibration, precision, model.DModel);
        var predictor = new TrainingPredictor(model, precision, rates, scenario.LoraRank);
        var memory = predictor.Memory(scenario.TokensPerStep, scenario.PromptTokens, device.AvailableBytes);
        if (NotRunnable(device, precision, rates) is { } problem)
        {
            return Refused(calibration, problem, memory, rates.Basis);
        }

        var (seconds, computeBound) = predictor.Step(scenario.TokensPerStep, scenario.PromptTokens);
        return new DevicePrediction
        {
            DeviceId = calibration.DeviceId,
            DeviceName = calibration.DeviceName,
            Memory = memory,
            StepTime = Predicted(seconds, rates.Basis),
            TokensPerSecond = Predicted(scenario.TokensPerStep / seconds, rates.Basis),
            Bound = !memory.Fits ? "memory" : computeBound ? "compute" : "bandwidth",
            MeetsSlo = memory.Fits,
            CalibrationBasis = rates.Basis,
        };
    }

    private static string? NotRunnable(AdviceDevice device, WeightPrecision precision, DeviceRates rates) =>
        device.UnsupportedPrecisions.Contains(precision.Name) ? $"{device.Calibration.DeviceId} cannot compute in {precision.Name}"
        : rates.GemmFlopsPerSecond <= 0 || rates.DecodeBytesPerSecond <= 0 ? $"{device.Calibration.DeviceId} has no calibrated GEMM rate or bandwidth"
        : null;

    private static DevicePrediction Refused(Calibration.DeviceCalibration calibration, string problem, MemoryFit memory, string basis) => new()
    {
        DeviceId = calibration.DeviceId,
        DeviceName = calibration.DeviceName,
        NotRunnable = problem,
        Memory = memory,
        CalibrationBasis = basis,
    };

    private static AdviceFigure Predicted(double value, string basis) => new(value, FigureOrigin.Predicted, basis);

    private static string InferenceVerdict(AdviceScenario scenario, ModelArchitecture model, WeightPrecision precision, IReadOnlyList<DevicePrediction> predictions)
    {
        var head = Invariant($"{model.Name} {precision.Name}, {scenario.PromptTokens}+{scenario.OutputTokens} tokens, SLO {scenario.Slo.Name}: ");
        var parts = predictions.Select(p => p.MaxConcurrency > 0
            ? Invariant($"{p.DeviceId} serves {p.MaxConcurrency} {(p.MaxConcurrency == 1 ? "user" : "users")}")
            : $"{p.DeviceId} serves 0 users ({Reason(p, scenario.Slo)})");
        var cpu = predictions.FirstOrDefault(p => p.DeviceId == "cpu");
        var best = predictions.Where(p => p.DeviceId != "cpu").MaxBy(p => p.MaxConcurrency);
        string tail;
        if (cpu is { MaxConcurrency: > 0 } && (best is null || best.MaxConcurrency <= cpu.MaxConcurrency))
        {
            tail = Invariant($"the CPU is enough (up to {cpu.MaxConcurrency} concurrent users)");
        }
        else if (cpu is { MaxConcurrency: > 0 } && best is not null)
        {
            tail = Invariant($"the CPU is enough below {cpu.MaxConcurrency + 1} concurrent users; beyond, {best.DeviceId}");
        }
        else if (best is { MaxConcurrency: > 0 })
        {
            tail = cpu is null ? $"{best.DeviceId} is enough" : "an accelerator is needed";
        }
        else
        {
            tail = "no device here meets the SLO: " + Needs(scenario, model, precision);
        }

        return head + string.Join("; ", parts) + " — " + tail;
    }

    private static string Reason(DevicePrediction p, ServiceLevelObjective slo)
    {
        if (p.NotRunnable is { } problem)
        {
            return problem;
        }

        if (!p.Memory.Fits)
        {
            return $"does not fit: needs {Bytes(p.Memory.RequiredBytes)}, {Bytes(p.Memory.AvailableBytes)} free";
        }

        // Report the limit as seen by a single user: beyond one user things only get slower.
        var ttft = p.Ttft?.Value ?? 0;
        var tpot = p.Tpot?.Value ?? 0;
        return tpot > slo.TpotSeconds
            ? Invariant($"TPOT {Ms(tpot)} > {Ms(slo.TpotSeconds)}")
            : Invariant($"TTFT {Ms(ttft)} > {Ms(slo.TtftSeconds)}");
    }

    private static string Needs(AdviceScenario scenario, ModelArchitecture model, WeightPrecision precision)
    {
        var weights = ModelArithmetic.MatmulParametersPerStep(model, 1) * precision.BytesPerWeight;
        var kv = ModelArithmetic.KvBytesPerToken(model, precision.KvBytes) * (scenario.PromptTokens + scenario.OutputTokens);
        var memory = (ModelArithmetic.TotalParameters(model) * precision.BytesPerWeight) + kv;
        return Invariant($"one user needs {Bytes((long)memory)} of memory and {(weights + kv) / scenario.Slo.TpotSeconds / 1e9:0} GB/s of decode bandwidth");
    }

    private static string TrainingVerdict(AdviceScenario scenario, IReadOnlyList<DevicePrediction> predictions)
    {
        var kind = scenario.Task == AdviceTask.Train ? "training" : scenario.LoraRank is { } r ? Invariant($"LoRA r={r}") : "full fine-tuning";
        var head = Invariant($"{scenario.Model} {scenario.Precision} {kind}, {scenario.TokensPerStep} tokens/step: ");
        var parts = predictions.Select(p => p.NotRunnable is { } problem ? $"{p.DeviceId}: {problem}"
            : !p.Memory.Fits ? $"{p.DeviceId} does not fit (needs {Bytes(p.Memory.RequiredBytes)}, {Bytes(p.Memory.AvailableBytes)} free)"
            : Invariant($"{p.DeviceId} {Seconds(p.StepTime!.Value)}/step ({p.TokensPerSecond!.Value:0} tokens/s)"));
        var fitting = predictions.Where(p => p.NotRunnable is null && p.Memory.Fits).OrderBy(p => p.StepTime!.Value).ToArray();
        var tail = fitting.Length == 0
            ? Invariant($"nothing here fits; {(scenario.LoraRank is null ? "LoRA or " : "")}a device with {Bytes(predictions.Min(p => p.Memory.RequiredBytes))} is needed")
            : fitting[0].DeviceId == "cpu" || fitting.Length == 1
                ? $"{fitting[0].DeviceId} is the one to use"
                : fitting.FirstOrDefault(p => p.DeviceId == "cpu") is { } cpu
                    ? Invariant($"{fitting[0].DeviceId} is {cpu.StepTime!.Value / fitting[0].StepTime!.Value:0.#}x faster than the CPU")
                    : $"{fitting[0].DeviceId} is fastest";
        return head + string.Join("; ", parts) + " — " + tail;
    }

    /// <summary>Bytes in GiB or MiB, e.g. <c>4.7 GiB</c>.</summary>
    public static string Bytes(long bytes) => bytes >= 1L << 30
        ? Invariant($"{bytes / (double)(1L << 30):0.#} GiB")
        : Invariant($"{bytes / (double)(1L << 20):0} MiB");

    private static string Ms(double seconds) => seconds >= 1 ? Invariant($"{seconds:0.##} s") : Invariant($"{seconds * 1e3:0.#} ms");

    private static string Seconds(double seconds) => seconds >= 1 ? Invariant($"{seconds:0.#} s") : Invariant($"{seconds * 1e3:0} ms");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

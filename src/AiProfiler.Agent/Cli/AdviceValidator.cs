using System.Globalization;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// <c>advise --validate</c>: runs the real <c>inference</c> workload on each device for the scenarios it can build
/// (GPT-2-shaped models in fp32), scaled to a bounded run (prompt ≤ 256, 32 generated tokens, batch ≤ 8), and sets
/// the prediction for exactly that run beside the measurement.
/// </summary>
internal static class AdviceValidator
{
    public const int MaxPrompt = 256;
    public const int MaxGenerate = 32;
    public const int MaxBatch = 8;

    /// <summary>Why the inference workload cannot run <paramref name="model"/> at <paramref name="precision"/>, or null when it can.</summary>
    public static string? Unsupported(ModelArchitecture model, string precision) =>
        !model.LearnedPositions || model.GatedFfn || model.KvHeads != model.Heads
            ? $"the inference workload builds GPT-2-shaped models only, not {model.Name}"
            : precision != "fp32" ? $"the inference workload runs fp32 weights, not {precision}" : null;

    public static async Task<ScenarioAdvice> ValidateAsync(ScenarioAdvice advice, CommandEnvironment environment, MachineCalibration calibration, TextWriter log, CancellationToken cancellationToken)
    {
        var scenario = advice.Scenario;
        var model = advice.Model;
        var reason = scenario.Task != AdviceTask.Inference ? "--validate runs inference scenarios only" : Unsupported(model, scenario.Precision);
        if (reason is not null)
        {
            log.WriteLine($"not validated: {reason}");
            return advice;
        }

        var workload = environment.Catalog.FindWorkload("inference");
        if (workload is null)
        {
            log.WriteLine($"not validated: the inference workload is not loaded from {environment.Catalog.Directory}");
            return advice;
        }

        var generate = Math.Min(scenario.OutputTokens, MaxGenerate);
        var prompt = Math.Min(Math.Min(scenario.PromptTokens, MaxPrompt), model.Context - generate);
        var batch = Math.Clamp(scenario.Concurrency ?? 1, 1, MaxBatch);
        var supplied = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["preset"] = "custom",
            ["layers"] = Invariant(model.Layers),
            ["d_model"] = Invariant(model.DModel),
            ["heads"] = Invariant(model.Heads),
            ["vocab"] = Invariant(model.Vocab),
            ["context"] = Invariant(model.Context),
            ["batch"] = Invariant(batch),
            ["prompt"] = Invariant(prompt),
            ["gen"] = Invariant(generate),
        };
        var parameters = ParameterSet.Create(workload.Name, workload.Parameters, supplied);
        var runner = environment.Get<Runner>();
        var options = new RunOptions { Iterations = 3, WarmupIterations = 1, Verify = false, TimeBudget = TimeSpan.FromSeconds(60), Timeout = TimeSpan.FromMinutes(20) };
        var precision = WeightPrecision.Find(scenario.Precision)!;
        var predictions = new List<DevicePrediction>();
        foreach (var prediction in advice.Predictions)
        {
            var device = calibration.For(prediction.DeviceId);
            if (prediction.NotRunnable is not null || device is null || !prediction.Memory.Fits)
            {
                predictions.Add(prediction);
                continue;
            }

            var progress = new ProgressLine(log, $"validating {model.Name} on {prediction.DeviceId}");
            var result = await runner.RunAsync(workload, environment.Devices.Open(prediction.DeviceId), parameters, options, progress, cancellationToken).ConfigureAwait(false);
            progress.Done(result.Outcome.ToString().ToLowerInvariant());
            if (!result.Measured)
            {
                log.WriteLine($"validation run on {prediction.DeviceId} failed: {result.Error}");
                predictions.Add(prediction);
                continue;
            }

            var (ttft, tpot, _) = Advisor.PredictRun(model, precision, device, batch, prompt, generate);
            var run = $"inference {model.Name} B={batch} prompt={prompt} gen={generate}, {result.IterationSeconds.Count} runs";
            var comparisons = new List<ValidationComparison>();
            if (result.Measurements.TryGetValue("ttft_seconds", out var measuredTtft))
            {
                comparisons.Add(new ValidationComparison("ttft_seconds", ttft, measuredTtft.Median, run));
            }

            if (result.Measurements.TryGetValue("tpot_seconds", out var measuredTpot))
            {
                comparisons.Add(new ValidationComparison("tpot_seconds", tpot, measuredTpot.Median, run));
            }

            predictions.Add(prediction with { Validation = comparisons });
        }

        return advice with { Predictions = predictions };
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// <c>advise --validate</c>: runs the real workload on each device for the scenario: <c>inference</c> for the models it
/// builds (GPT-2 shapes in fp32, and the Llama-family shapes of its presets in every weight type), <c>finetune</c> for
/// fine-tuning and training scenarios (its own GPT-style model at the scenario model's widths, fp32), each scaled to
/// a bounded run (<see cref="ValidationPlan"/>), and sets the prediction for exactly that run beside the measurement.
/// </summary>
internal static class AdviceValidator
{
    public static async Task<ScenarioAdvice> ValidateAsync(ScenarioAdvice advice, CommandEnvironment environment, MachineCalibration calibration, TextWriter log, CancellationToken cancellationToken)
    {
        var scenario = advice.Scenario;
        var model = advice.Model;
        var workloadName = scenario.Task == AdviceTask.Inference ? "inference" : "finetune";
        var workload = environment.Catalog.FindWorkload(workloadName);
        if (workload is null)
        {
            log.WriteLine($"not validated: the {workloadName} workload is not loaded from {environment.Catalog.Directory}");
            return advice;
        }

        var runner = environment.Get<Runner>();
        var options = new RunOptions { Iterations = 3, WarmupIterations = 1, Verify = false, TimeBudget = TimeSpan.FromSeconds(60), Timeout = TimeSpan.FromMinutes(20) };
        var precision = WeightPrecision.Find(scenario.Precision)!;
        var predictions = new List<DevicePrediction>();
        foreach (var prediction in advice.Predictions)
        {
            var device = calibration.For(prediction.DeviceId);
            if (prediction.NotRunnable is not null || device is null)
            {
                predictions.Add(prediction);
                continue;
            }

            var plan = scenario.Task == AdviceTask.Inference
                ? ValidationPlan.Inference(model, precision, device, scenario, prediction.Memory.AvailableBytes)
                : ValidationPlan.FineTune(model, precision, device, scenario, prediction.Memory.AvailableBytes);
            if (plan.Problem is not null)
            {
                log.WriteLine($"not validated on {prediction.DeviceId}: {plan.Problem}");
                predictions.Add(prediction);
                continue;
            }

            var parameters = ParameterSet.Create(workload.Name, workload.Parameters, plan.Parameters);
            var cache = environment.Get<CalibrationCache>();
            var recheck = new ProgressLine(log, $"re-measuring {prediction.DeviceId}'s ceilings before the run");
            var before = cache.Recheck(prediction.DeviceId, precision.Name);
            recheck.Done("done");
            var progress = new ProgressLine(log, $"validating {plan.Run} on {prediction.DeviceId}");
            var result = await runner.RunAsync(workload, environment.Devices.Open(prediction.DeviceId), parameters, options, progress, cancellationToken).ConfigureAwait(false);
            progress.Done(result.Outcome.ToString().ToLowerInvariant());
            if (!result.Measured)
            {
                log.WriteLine($"validation run on {prediction.DeviceId} failed: {result.Error}");
                predictions.Add(prediction);
                continue;
            }

            recheck = new ProgressLine(log, $"re-measuring {prediction.DeviceId}'s ceilings after the run");
            var after = cache.Recheck(prediction.DeviceId, precision.Name);
            recheck.Done("done");
            var now = before is not null && after is not null && plan.Repredict is not null ? plan.Repredict(DeviceCalibration.Between(before, after)) : default;
            var nowBasis = now.Basis is null ? null : $"{prediction.DeviceId} re-measured before and after the run: {now.Basis[(now.Basis.IndexOf(": ", StringComparison.Ordinal) + 2)..]}";
            if (nowBasis is not null)
            {
                log.WriteLine($"predicted again from {nowBasis}");
            }

            var run = $"{plan.Run}, {result.IterationSeconds.Count} runs";
            var comparisons = new List<ValidationComparison>();
            foreach (var (metric, predicted) in plan.Predicted)
            {
                var measured = metric == "step_seconds" ? result.Latency?.Median
                    : result.Measurements.TryGetValue(metric, out var statistics) ? statistics.Median : null;
                if (measured is { } value)
                {
                    var again = now.Predicted?.FirstOrDefault(p => p.Metric == metric);
                    comparisons.Add(new ValidationComparison(metric, predicted, value, run)
                    {
                        PredictedNow = again is { Metric: not null } found ? found.Value : null,
                        NowBasis = nowBasis,
                    });
                }
            }

            predictions.Add(prediction with { Validation = comparisons });
        }

        return advice with { Predictions = predictions };
    }
}

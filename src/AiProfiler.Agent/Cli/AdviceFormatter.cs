using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AiProfiler.Core.Advice;

namespace AiProfiler.Agent.Cli;

/// <summary>Prints an <see cref="AdviceReport"/> as a table, JSON or markdown: the verdict line first, then one row per device.</summary>
internal static class AdviceFormatter
{
    private static readonly JsonSerializerOptions JsonOptions = new(RunResultFormatter.Json)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Json(AdviceReport report) => JsonSerializer.Serialize(report, JsonOptions) + "\n";

    public static string Text(AdviceReport report, bool markdown)
    {
        var text = new StringBuilder();
        if (markdown)
        {
            text.Append("# AiProfiler advice\n\n");
        }

        foreach (var scenario in report.Scenarios)
        {
            text.Append(markdown ? $"## {scenario.Scenario.Name}\n\n**Verdict:** {scenario.Verdict}\n\n" : $"{scenario.Verdict}\n");
            text.Append(Units.Invariant($"model {scenario.Model.Name}: {scenario.ParameterCount / 1e9:0.###} B parameters"))
                .Append(scenario.ActiveParameterCount != scenario.ParameterCount ? Units.Invariant($" ({scenario.ActiveParameterCount / 1e9:0.###} B active per token)") : "")
                .Append(Units.Invariant($", L={scenario.Model.Layers} D={scenario.Model.DModel} H={scenario.Model.Heads}/{scenario.Model.KvHeads} KV, {scenario.Model.Source}\n"));
            if (markdown)
            {
                text.Append('\n');
            }

            text.Append(scenario.Scenario.Task == AdviceTask.Inference ? InferenceTable(scenario) : TrainingTable(scenario));
            var validation = Validation(scenario);
            if (validation.Length > 0)
            {
                text.Append(markdown ? "\n" : "").Append(validation);
            }

            foreach (var basis in scenario.Predictions.Select(p => p.CalibrationBasis).Distinct(StringComparer.Ordinal))
            {
                text.Append(markdown ? "\n_predicted from " : "predicted from ").Append(basis).Append(markdown ? "_\n" : "\n");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string InferenceTable(ScenarioAdvice scenario)
    {
        var table = new MarkdownTable("device", "users", "memory (need/free)", "TTFT", "TPOT", "tokens/s", "bound", "max users in SLO", "max req/s", "goodput req/s", "SLO");
        foreach (var p in scenario.Predictions)
        {
            if (p.NotRunnable is { } problem)
            {
                table.Add(p.DeviceId, "-", Fit(p.Memory), problem, "-", "-", "-", "0", "-", "-", "no");
                continue;
            }

            table.Add(p.DeviceId, p.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), Fit(p.Memory), Figure(p.Ttft, Units.Seconds), Figure(p.Tpot, Units.Seconds), Figure(p.TokensPerSecond, v => Units.Invariant($"{v:0.#}")),
                p.Bound, p.MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), Units.Invariant($"{p.MaxRequestRate:0.###}"),
                Figure(p.Goodput, v => Units.Invariant($"{v:0.###}")), p.MeetsSlo ? "met" : "missed");
        }

        return table.ToString();
    }

    private static string TrainingTable(ScenarioAdvice scenario)
    {
        var table = new MarkdownTable("device", "memory (need/free)", "weights", "gradients", "optimizer", "activations", "step", "tokens/s", "bound");
        foreach (var p in scenario.Predictions)
        {
            var m = p.Memory;
            table.Add(p.DeviceId, Fit(m), Advisor.Bytes(m.WeightBytes), Advisor.Bytes(m.GradientBytes), Advisor.Bytes(m.OptimizerBytes), Advisor.Bytes(m.ActivationBytes),
                p.NotRunnable ?? Figure(p.StepTime, Units.Seconds), Figure(p.TokensPerSecond, v => Units.Invariant($"{v:0.#}")), p.Bound);
        }

        return table.ToString();
    }

    private static string Validation(ScenarioAdvice scenario)
    {
        var rows = scenario.Predictions.SelectMany(p => p.Validation.Select(v => (p.DeviceId, v))).ToArray();
        if (rows.Length == 0)
        {
            return "";
        }

        // The second prediction uses the rates measured again around the run: its error is the model's own, and the
        // gap between the two errors is how far the machine has moved since calibration.
        var table = new MarkdownTable("device", "metric", "predicted", "measured", "error", "predicted (ceilings now)", "error (ceilings now)", "run");
        foreach (var (device, v) in rows)
        {
            table.Add(device, v.Metric, Units.Seconds(v.Predicted), Units.Seconds(v.Measured), Units.Invariant($"{v.RelativeError * 100:+0.#;-0.#}%"),
                v.PredictedNow is { } now ? Units.Seconds(now) : "-", v.RelativeErrorNow is { } e ? Units.Invariant($"{e * 100:+0.#;-0.#}%") : "-", v.Run);
        }

        var bases = rows.Select(r => r.v.NowBasis).OfType<string>().Distinct(StringComparer.Ordinal).Select(b => $"predicted again from {b}{Environment.NewLine}");
        return table + string.Concat(bases);
    }

    private static string Fit(MemoryFit m) => $"{Advisor.Bytes(m.RequiredBytes)}/{Advisor.Bytes(m.AvailableBytes)}{(m.Fits ? "" : " (no fit)")}";

    private static string Figure(AdviceFigure? figure, Func<double, string> format) =>
        figure is null ? "-" : format(figure.Value) + (figure.Origin == FigureOrigin.Measured ? " (measured)" : "");
}

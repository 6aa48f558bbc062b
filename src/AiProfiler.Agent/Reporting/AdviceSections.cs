using System.Globalization;
using System.Text;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Core.Advice;
using AiProfiler.Core.Calibration;

namespace AiProfiler.Agent.Reporting;

/// <summary>
/// The advice parts of the page and the report: one verdict per scenario with its figures per device (each marked
/// predicted or measured, with its basis on hover), the calibration details, and predicted against measured.
/// </summary>
internal static class AdviceSections
{
    public static void Verdicts(StringBuilder html, ProfileSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Advice.Count == 0)
        {
            if (snapshot.AdvicePending is { } pending)
            {
                html.Append(HtmlText.Invariant($"<section id=\"verdicts\"><h2>Is the CPU enough?</h2><p class=\"muted\">{HtmlText.Encode(pending)}</p></section>"));
            }

            return;
        }

        html.Append("<section id=\"verdicts\"><h2>Is the CPU enough? <span class=\"muted\">one verdict per scenario; hover a figure for its basis</span></h2>");
        foreach (var advice in snapshot.Advice)
        {
            var s = advice.Scenario;
            html.Append(HtmlText.Invariant($"<div class=\"verdict {Tone(advice)}\" data-scenario=\"{HtmlText.Encode(s.Name)}\"><p><b>{HtmlText.Encode(advice.Verdict)}</b></p>"));
            html.Append(HtmlText.Invariant($"<p class=\"muted\">{HtmlText.Encode(Describe(advice))}</p></div>"));
            html.Append("<div class=\"scroll\"><table><thead><tr><th>device</th><th>memory needed / free</th>");
            html.Append(s.Task == AdviceTask.Inference
                ? "<th class=\"n\">TTFT</th><th class=\"n\">TPOT</th><th class=\"n\">tokens/s</th><th class=\"n\">max users</th><th class=\"n\">max req/s</th><th class=\"n\">goodput</th><th>SLO</th>"
                : "<th class=\"n\">step</th><th class=\"n\">tokens/s</th>");
            html.Append("<th>bound</th></tr></thead><tbody>");
            foreach (var p in advice.Predictions)
            {
                Prediction(html, snapshot, s, p);
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</section>");
    }

    public static void Calibration(StringBuilder html, ProfileSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Calibration is not { } calibration)
        {
            return;
        }

        html.Append("<section id=\"calibration\"><h2>Calibration <span class=\"muted\">");
        html.Append(HtmlText.Encode(HtmlText.Invariant($"measured {calibration.MeasuredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC for {calibration.Key}")));
        html.Append("</span></h2><div class=\"scroll\"><table><thead><tr><th>device</th><th>ceiling</th><th class=\"n\">measured (best pass)</th><th class=\"n\">spread</th><th class=\"n\">datasheet</th><th>how</th></tr></thead><tbody>");
        foreach (var d in calibration.Devices)
        {
            var color = RooflinePlot.ColorClass(snapshot.Devices, d.DeviceId);
            // The figure the predictions use first (WorkloadCeiling.Value: the best pass of a rate), then the spread.
            void Row(string what, MeasuredRate? rate, double datasheet, string unit, string how, double? used = null) =>
                html.Append(HtmlText.Invariant($"<tr><td><span class=\"dot {color}\"></span>{HtmlText.Encode(d.DeviceId)}</td><td>{HtmlText.Encode(what)}</td><td class=\"n\">{(rate is null ? "–" : HtmlText.Rate(used ?? rate.High, unit))}</td><td class=\"n\">{Spread(rate, unit)}</td><td class=\"n\">{HtmlText.Rate(datasheet, unit)}</td><td class=\"wrap muted\">{HtmlText.Encode(how)}</td></tr>"));
            foreach (var c in d.Compute)
            {
                Row($"{c.Precision} compute", c.Measured, c.DatasheetFlopsPerSecond, "FLOP/s", c.Method);
            }

            Row("memory bandwidth", d.Bandwidth, d.DatasheetBandwidthBytesPerSecond, "B/s", "STREAM triad");
            if (d.HostToDevice is not null)
            {
                Row("host → device", d.HostToDevice, 0, "B/s", "buffer copy");
            }

            if (d.DeviceToHost is not null)
            {
                Row("device → host", d.DeviceToHost, 0, "B/s", "buffer copy");
            }

            foreach (var w in d.Workloads)
            {
                if (w.Kind.EndsWith("-latency", StringComparison.Ordinal))
                {
                    // Fixed costs are seconds, shown in microseconds.
                    Row(w.Kind, new MeasuredRate(w.Rate.Median * 1e6, w.Rate.Low * 1e6, w.Rate.High * 1e6, w.Rate.Repetitions), 0, "µs", w.Source, w.Value * 1e6);
                    continue;
                }

                var unit = w.Kind.Contains("bandwidth", StringComparison.Ordinal) ? "B/s" : "FLOP/s";
                Row($"{w.Kind} {w.Precision}", w.Rate, 0, unit, w.Source);
            }
        }

        html.Append("</tbody></table></div></section>");
    }

    public static void PredictedAgainstMeasured(StringBuilder html, ProfileSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(snapshot);
        var rows = snapshot.Advice.SelectMany(a => a.Predictions.SelectMany(p => p.Validation.Select(v => (a.Scenario, p.DeviceId, v)))).ToArray();
        if (rows.Length == 0)
        {
            return;
        }

        html.Append("<section id=\"validation\"><h2>Predicted against measured <span class=\"muted\">real runs of the workloads; error = (predicted − measured) / measured</span></h2>");
        html.Append("<div class=\"scroll\"><table><thead><tr><th>scenario</th><th>device</th><th>metric</th><th class=\"n\">predicted</th><th class=\"n\">measured</th><th class=\"n\">error</th><th class=\"n\" title=\"predicted from the rates measured again just before and after the run\">error, ceilings now</th><th>run</th></tr></thead><tbody>");
        foreach (var (scenario, device, v) in rows)
        {
            var error = v.RelativeError;
            var tone = Tone(error);
            html.Append(HtmlText.Invariant($"<tr><td class=\"wrap\">{HtmlText.Encode(scenario.Name)}</td><td><span class=\"dot {RooflinePlot.ColorClass(snapshot.Devices, device)}\"></span>{HtmlText.Encode(device)}</td><td>{HtmlText.Encode(v.Metric)}</td>"));
            html.Append(HtmlText.Invariant($"<td class=\"n\">{Value(v.Metric, v.Predicted)}</td><td class=\"n\">{Value(v.Metric, v.Measured)}</td><td class=\"n {tone}\">{Percent(error)}</td><td class=\"n {Tone(v.RelativeErrorNow ?? double.NaN)}\" title=\"{HtmlText.Encode(v.NowBasis ?? "not re-measured")}\">{Percent(v.RelativeErrorNow ?? double.NaN)}</td><td class=\"wrap muted\">{HtmlText.Encode(v.Run)}</td></tr>"));
        }

        html.Append("</tbody></table></div></section>");
    }

    private static string Tone(double error) => double.IsNaN(error) ? "muted" : Math.Abs(error) <= 0.15 ? "ok" : Math.Abs(error) <= 0.25 ? "warn" : "bad";

    private static string Percent(double error) => double.IsNaN(error) ? "–" : HtmlText.Invariant($"{error * 100:+0.#;-0.#;0} %");

    private static void Prediction(StringBuilder html, ProfileSnapshot snapshot, AdviceScenario s, DevicePrediction p)
    {
        html.Append(HtmlText.Invariant($"<tr data-device=\"{HtmlText.Encode(p.DeviceId)}\"><td><span class=\"dot {RooflinePlot.ColorClass(snapshot.Devices, p.DeviceId)}\"></span><span class=\"id\">{HtmlText.Encode(p.DeviceId)}</span></td>"));
        var m = p.Memory;
        html.Append(HtmlText.Invariant($"<td class=\"{(m.Fits ? "ok" : "bad")}\">{HtmlText.Encode(InsufficientDeviceMemoryException.FormatBytes(m.RequiredBytes))} / {HtmlText.Encode(InsufficientDeviceMemoryException.FormatBytes(m.AvailableBytes))}</td>"));
        if (p.NotRunnable is { } why)
        {
            html.Append(HtmlText.Invariant($"<td class=\"wrap bad\" colspan=\"{(s.Task == AdviceTask.Inference ? 8 : 3)}\">{HtmlText.Encode(why)}</td></tr>"));
            return;
        }

        if (s.Task == AdviceTask.Inference)
        {
            html.Append(HtmlText.Invariant($"<td class=\"n\">{Figure(p.Ttft, HtmlText.Seconds)}</td><td class=\"n\">{Figure(p.Tpot, HtmlText.Seconds)}</td><td class=\"n\">{Figure(p.TokensPerSecond, v => HtmlText.Significant(v))}</td>"));
            html.Append(HtmlText.Invariant($"<td class=\"n\">{p.MaxConcurrency}</td><td class=\"n\">{HtmlText.Significant(p.MaxRequestRate)}</td><td class=\"n\">{Figure(p.Goodput, v => HtmlText.Invariant($"{HtmlText.Significant(v)} req/s"))}</td>"));
            html.Append(p.MeetsSlo ? "<td class=\"ok\">met</td>" : "<td class=\"bad\">missed</td>");
        }
        else
        {
            html.Append(HtmlText.Invariant($"<td class=\"n\">{Figure(p.StepTime, HtmlText.Seconds)}</td><td class=\"n\">{Figure(p.TokensPerSecond, v => HtmlText.Significant(v))}</td>"));
        }

        html.Append(HtmlText.Invariant($"<td>{HtmlText.Encode(p.Bound)}</td></tr>"));
    }

    /// <summary>A figure with a small mark saying whether it was measured or predicted, and its basis on hover.</summary>
    private static string Figure(AdviceFigure? figure, Func<double, string> format)
    {
        if (figure is null)
        {
            return "–";
        }

        var origin = figure.Origin == FigureOrigin.Measured ? "measured" : "predicted";
        return HtmlText.Invariant($"<span title=\"{HtmlText.Encode($"{origin}: {figure.Basis}")}\">{format(figure.Value)} <span class=\"muted\">{origin[..4]}.</span></span>");
    }

    private static string Spread(MeasuredRate? rate, string unit) => rate is null
        ? "–"
        : HtmlText.Invariant($"{HtmlText.Rate(rate.Low, unit)} – {HtmlText.Rate(rate.High, unit)} ({rate.Repetitions}×)");

    private static string Value(string metric, double value) => metric.EndsWith("_seconds", StringComparison.Ordinal)
        ? HtmlText.Seconds(value)
        : HtmlText.Significant(value);

    private static string Tone(ScenarioAdvice advice)
    {
        bool Serves(DevicePrediction p) => p.NotRunnable is null && p.Memory.Fits && (advice.Scenario.Task != AdviceTask.Inference || p.MaxConcurrency > 0);
        return advice.Predictions.Any(p => p.DeviceId == "cpu" && Serves(p)) ? "cpu"
            : advice.Predictions.Any(Serves) ? "gpu"
            : "none";
    }

    private static string Describe(ScenarioAdvice advice)
    {
        var s = advice.Scenario;
        var parameters = advice.ActiveParameterCount != advice.ParameterCount
            ? $"{Billions(advice.ActiveParameterCount)} active of {Billions(advice.ParameterCount)} parameters"
            : $"{Billions(advice.ParameterCount)} parameters";
        var load = s.Concurrency is { } c ? $"{c} concurrent" : s.RequestRate is { } r ? HtmlText.Invariant($"{r} req/s") : "largest load meeting the SLO";
        var task = s.Task switch
        {
            AdviceTask.Inference => $"inference, {s.PromptTokens}+{s.OutputTokens} tokens, {load}, SLO {s.Slo.Name} (TTFT ≤ {HtmlText.Seconds(s.Slo.TtftSeconds)}, TPOT ≤ {HtmlText.Seconds(s.Slo.TpotSeconds)})",
            AdviceTask.FineTune => s.LoraRank is { } rank ? $"LoRA fine-tuning, rank {rank}, {s.TokensPerStep} tokens per step" : $"full fine-tuning, {s.TokensPerStep} tokens per step",
            _ => $"training, {s.TokensPerStep} tokens per step",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{advice.Model.Name} ({parameters}) {s.Precision}: {task}");
    }

    private static string Billions(long count) => count >= 1_000_000_000
        ? HtmlText.Invariant($"{count / 1e9:0.##} B")
        : HtmlText.Invariant($"{count / 1e6:0.#} M");
}

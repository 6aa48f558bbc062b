using System.Globalization;
using System.Text;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Agent.Reporting;

/// <summary>
/// Renders a <see cref="ProfileSnapshot"/> as HTML: the agent's live page, the <c>&lt;main&gt;</c> the page swaps in
/// when it refreshes, and the self-contained report file. One renderer, so the page and the report show the same
/// figures the same way. Every string from a plugin, a driver or the host is escaped.
/// </summary>
internal static class HtmlReportRenderer
{
    /// <summary>The live page: one document with inline style, SVG and the refresh script.</summary>
    public static string Page(ProfileSnapshot snapshot, string main, string etag)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var html = new StringBuilder();
        Head(html, $"AiProfiler · {snapshot.Machine.Host}", policy: null);
        Header(html, snapshot, "connecting…");
        html.Append(HtmlText.Invariant($"<main data-etag=\"{HtmlText.Encode(etag)}\">")).Append(main).Append("</main>");
        html.Append("<footer><a href=\"metrics\">/metrics</a><a href=\"api/summary\">/api/summary</a><a href=\"readyz\">/readyz</a>");
        html.Append("<span>refreshes every 3 s</span></footer>");
        html.Append("<script>").Append(ReportAssets.RefreshScript).Append("</script></body></html>\n");
        return html.ToString();
    }

    /// <summary>The report: one file to attach to a purchase request; no script, nothing loaded from anywhere.</summary>
    public static string Report(ProfileSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var html = new StringBuilder();
        Head(html, $"AiProfiler report · {snapshot.Machine.Host} · {snapshot.GeneratedAt:yyyy-MM-dd}", ReportAssets.ReportPolicy);
        Header(html, snapshot, $"taken {snapshot.GeneratedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
        html.Append("<main>").Append(Sections(snapshot)).Append("</main>");
        html.Append(HtmlText.Invariant($"<footer>AiProfiler {HtmlText.Encode(snapshot.Machine.AgentVersion)} · {HtmlText.Encode(snapshot.Machine.OperatingSystem)}</footer></body></html>\n"));
        return html.ToString();
    }

    /// <summary>
    /// The sections: verdicts, devices, roofline, CPU against the accelerators, predicted against measured, the latest
    /// runs and the calibration's details; a part with nothing to show is left out.
    /// </summary>
    public static string Sections(ProfileSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var html = new StringBuilder();
        AdviceSections.Verdicts(html, snapshot);
        Devices(html, snapshot);
        html.Append("<section id=\"roofline\"><h2>Roofline <span class=\"muted\">latest runs against each device's ceilings; hover a point</span></h2>");
        RooflinePlot.Render(html, snapshot);
        html.Append("</section>");
        Comparison(html, snapshot);
        AdviceSections.PredictedAgainstMeasured(html, snapshot);
        Runs(html, snapshot);
        AdviceSections.Calibration(html, snapshot);
        return html.ToString();
    }

    private static void Head(StringBuilder html, string title, string? policy)
    {
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        if (policy is not null)
        {
            html.Append(HtmlText.Invariant($"<meta http-equiv=\"Content-Security-Policy\" content=\"{HtmlText.Encode(policy)}\">"));
        }

        html.Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><link rel=\"icon\" href=\"data:,\">");
        html.Append(HtmlText.Invariant($"<title>{HtmlText.Encode(title)}</title><style>")).Append(ReportAssets.Stylesheet).Append("</style></head><body>");
    }

    private static void Header(StringBuilder html, ProfileSnapshot snapshot, string status)
    {
        var m = snapshot.Machine;
        html.Append(HtmlText.Invariant($"<header><div class=\"in\"><h1>AiProfiler <span class=\"host\">{HtmlText.Encode(m.Host)}</span></h1>"));
        html.Append(HtmlText.Invariant($"<p class=\"machine\">{HtmlText.Encode(m.Cpu)} · {m.LogicalCores} logical cores · {HtmlText.Encode(InsufficientDeviceMemoryException.FormatBytes(m.MemoryBytes))}</p>"));
        html.Append(HtmlText.Invariant($"<p id=\"updated\">{HtmlText.Encode(status)}</p></div></header>"));
    }

    private static void Devices(StringBuilder html, ProfileSnapshot snapshot)
    {
        html.Append("<section id=\"devices\"><h2>Devices <span class=\"muted\">ceilings: measured where calibrated, else the datasheet estimate</span></h2>");
        html.Append("<div class=\"scroll\"><table><thead><tr><th>device</th><th>name</th><th class=\"n\">memory</th><th class=\"n\">units</th><th>compute ceilings</th><th>memory bandwidth</th></tr></thead><tbody>");
        foreach (var d in snapshot.Devices)
        {
            html.Append(HtmlText.Invariant($"<tr data-device=\"{HtmlText.Encode(d.Id)}\"><td><span class=\"dot {RooflinePlot.ColorClass(snapshot.Devices, d.Id)}\"></span><span class=\"id\">{HtmlText.Encode(d.Id)}</span></td>"));
            html.Append(HtmlText.Invariant($"<td class=\"wrap\">{HtmlText.Encode(d.Name)}<br><span class=\"muted\">{HtmlText.Encode(Join(d.Kind, d.Vendor, d.Driver))}</span></td>"));
            html.Append(HtmlText.Invariant($"<td class=\"n\">{HtmlText.Encode(InsufficientDeviceMemoryException.FormatBytes(d.MemoryBytes))}</td><td class=\"n\">{d.ComputeUnits}</td><td>"));
            foreach (var c in d.Compute)
            {
                html.Append(HtmlText.Invariant($"<div>{HtmlText.Encode(c.Precision)} {Ceiling(c, "FLOP/s")}</div>"));
            }

            html.Append(HtmlText.Invariant($"</td><td>{Ceiling(d.Bandwidth, "B/s")}</td></tr>"));
        }

        html.Append("</tbody></table></div>");
        foreach (var d in snapshot.Devices.Where(d => d.Source.Length > 0))
        {
            html.Append(HtmlText.Invariant($"<p class=\"muted\">{HtmlText.Encode(d.Id)}: {HtmlText.Encode(d.Source)}</p>"));
        }

        foreach (var b in snapshot.UnavailableBackends)
        {
            html.Append(HtmlText.Invariant($"<p class=\"muted\">{HtmlText.Encode(b.Backend)}: unavailable: {HtmlText.Encode(b.Reason)}</p>"));
        }

        html.Append("</section>");
    }

    /// <summary><c>460 GFLOP/s</c> with how it was obtained: measured (with its spread) beside the datasheet, or the datasheet alone.</summary>
    private static string Ceiling(CeilingSummary c, string unit)
    {
        if (c.Measured is { } measured)
        {
            var spread = c.Low is { } low && c.High is { } high ? $"{HtmlText.Rate(low, unit)}–{HtmlText.Rate(high, unit)}, " : "";
            return $"<b>{HtmlText.Rate(measured, unit)}</b> <span class=\"muted\">measured ({spread}datasheet {HtmlText.Rate(c.Datasheet, unit)})</span>";
        }

        return c.Datasheet > 0 ? $"<b>{HtmlText.Rate(c.Datasheet, unit)}</b> <span class=\"muted\">datasheet</span>" : "<span class=\"muted\">unknown</span>";
    }

    private static void Comparison(StringBuilder html, ProfileSnapshot snapshot)
    {
        html.Append("<section id=\"comparison\"><h2>CPU against the accelerators <span class=\"muted\">the same workload and size on each device</span></h2>");
        var groups = snapshot.Runs.GroupBy(r => (r.Workload, r.Parameters)).ToArray();
        if (groups.Length == 0)
        {
            html.Append("<p class=\"muted\">Nothing to compare yet: no run has finished.</p></section>");
            return;
        }

        html.Append("<div class=\"scroll\"><table><thead><tr><th>workload</th><th>size</th><th>device</th><th>impl</th><th class=\"n\">mean</th><th class=\"n\">throughput</th><th>relative</th><th class=\"n\">vs cpu</th></tr></thead><tbody>");
        foreach (var group in groups)
        {
            var runs = group.OrderBy(r => r.MeanSeconds).ToArray();
            var fastest = runs[0].MeanSeconds;
            var cpu = runs.Where(r => r.Device == "cpu").Select(r => r.MeanSeconds).DefaultIfEmpty(double.NaN).Min();
            for (var i = 0; i < runs.Length; i++)
            {
                var r = runs[i];
                var color = RooflinePlot.ColorClass(snapshot.Devices, r.Device);
                html.Append(i == 0 ? "<tr class=\"group\">" : "<tr>");
                html.Append(i == 0
                    ? HtmlText.Invariant($"<td class=\"id\" rowspan=\"{runs.Length}\">{HtmlText.Encode(r.Workload)}</td><td class=\"wrap\" rowspan=\"{runs.Length}\">{HtmlText.Encode(r.Shape)}<br><span class=\"muted\">{HtmlText.Encode(r.Parameters)}</span></td>")
                    : "");
                var relative = fastest / r.MeanSeconds;
                var width = double.IsFinite(relative) ? Math.Clamp(relative * 120, 2, 120) : 2;
                var versus = double.IsNaN(cpu) ? "–" : r.Device == "cpu" ? "1×" : HtmlText.Invariant($"{HtmlText.Significant(cpu / r.MeanSeconds)}×");
                html.Append(HtmlText.Invariant($"<td><span class=\"dot {color}\"></span>{HtmlText.Encode(r.Device)}{(i == 0 && runs.Length > 1 ? "<span class=\"tag ok\">fastest</span>" : "")}</td>"));
                html.Append(HtmlText.Invariant($"<td>{HtmlText.Encode(r.Implementation)}</td><td class=\"n\">{HtmlText.Seconds(r.MeanSeconds)}</td><td class=\"n\">{Throughput(r)}</td>"));
                html.Append(HtmlText.Invariant($"<td><svg class=\"bar {color}\" width=\"{width:0}\" height=\"8\"><rect width=\"100%\" height=\"8\" rx=\"4\"/></svg>{HtmlText.Percent(relative)}</td><td class=\"n\">{versus}</td></tr>"));
            }
        }

        html.Append("</tbody></table></div></section>");
    }

    private static string Throughput(RunSummary r) => r.ItemsPerSecond > 0
        ? HtmlText.Rate(r.ItemsPerSecond, HtmlText.Encode(r.ItemUnit) + "/s")
        : HtmlText.Rate(r.FlopsPerSecond, "FLOP/s");

    private static void Runs(StringBuilder html, ProfileSnapshot snapshot)
    {
        html.Append("<section id=\"runs\"><h2>Latest runs <span class=\"muted\">one per workload, size, implementation and device</span></h2>");
        if (snapshot.Runs.Count == 0)
        {
            html.Append("<p class=\"muted\">No run has finished yet. The agent runs the jobs of Schedule:Jobs in its configuration; this page updates when one finishes.</p></section>");
            return;
        }

        html.Append("<div class=\"scroll\"><table><thead><tr><th>workload</th><th>device</th><th>shape</th><th class=\"n\">mean ± stdev</th><th class=\"n\">FLOP/s</th><th class=\"n\">bytes/s</th><th class=\"n\">items/s</th><th>roofline</th><th>verified</th><th>measurements</th><th>started (UTC)</th></tr></thead><tbody>");
        foreach (var r in snapshot.Runs)
        {
            html.Append(HtmlText.Invariant($"<tr data-workload=\"{HtmlText.Encode(r.Workload)}\" data-device=\"{HtmlText.Encode(r.Device)}\"><td class=\"id\">{HtmlText.Encode(r.Workload)}</td>"));
            html.Append(HtmlText.Invariant($"<td><span class=\"dot {RooflinePlot.ColorClass(snapshot.Devices, r.Device)}\"></span>{HtmlText.Encode(r.Device)}<br><span class=\"muted\">{HtmlText.Encode(r.Implementation)}</span></td><td class=\"wrap\">{HtmlText.Encode(r.Shape)}</td>"));
            html.Append(HtmlText.Invariant($"<td class=\"n\">{HtmlText.Seconds(r.MeanSeconds)} ± {HtmlText.Seconds(r.StdevSeconds)}</td><td class=\"n\">{HtmlText.Rate(r.FlopsPerSecond, "FLOP/s")}</td><td class=\"n\">{HtmlText.Rate(r.BytesPerSecond, "B/s")}</td>"));
            html.Append(HtmlText.Invariant($"<td class=\"n\">{(r.ItemsPerSecond > 0 ? HtmlText.Rate(r.ItemsPerSecond, HtmlText.Encode(r.ItemUnit) + "/s") : "–")}</td>"));
            html.Append(HtmlText.Invariant($"<td>{HtmlText.Percent(r.RooflineRatio)} <span class=\"muted\">{HtmlText.Encode(r.Bound)}</span></td>"));
            html.Append(r.Verified ? "<td class=\"ok\">passed</td>" : "<td class=\"bad\">FAILED</td>");
            html.Append(HtmlText.Invariant($"<td class=\"wrap meas\">{string.Join(" · ", r.Measurements.Select(m => $"{HtmlText.Encode(m.Key)} <b>{Measurement(m.Key, m.Value)}</b>"))}</td>"));
            html.Append(HtmlText.Invariant($"<td class=\"started\">{r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}</td></tr>"));
        }

        html.Append("</tbody></table></div></section>");
    }

    /// <summary>A workload's own measurement: seconds when its name says so, else the number.</summary>
    private static string Measurement(string name, double value) => name.EndsWith("_seconds", StringComparison.Ordinal)
        ? HtmlText.Seconds(value)
        : HtmlText.Significant(value);

    private static string Join(params string[] parts) => string.Join(" · ", parts.Where(p => p.Length > 0));
}

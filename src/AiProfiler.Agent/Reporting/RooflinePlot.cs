using System.Text;

namespace AiProfiler.Agent.Reporting;

/// <summary>
/// The roofline as inline SVG on log-log axes: one roof per device and precision, min(peak, intensity × bandwidth),
/// and every latest run as a point whose <c>title</c> says what it is. Colours are classes, never inline styles, so
/// the page's Content-Security-Policy can forbid inline styles.
/// </summary>
internal static class RooflinePlot
{
    private const double Width = 760;
    private const double Height = 400;
    private const double Left = 64;
    private const double Right = 14;
    private const double Top = 28;
    private const double Bottom = 44;

    /// <summary>Marker shapes, one per workload in order of appearance.</summary>
    private static readonly string[] Shapes = ["circle", "square", "diamond", "triangle"];

    /// <summary>The device's colour class: <c>c0</c>..<c>c5</c>, in the order devices are listed.</summary>
    public static string ColorClass(IReadOnlyList<DeviceSummary> devices, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var index = 0;
        while (index < devices.Count && devices[index].Id != deviceId)
        {
            index++;
        }

        return HtmlText.Invariant($"c{index % 6}");
    }

    /// <summary>The SVG and its legend, or a short note when there is nothing to draw.</summary>
    public static void Render(StringBuilder html, ProfileSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(snapshot);
        var roofs = Roofs(snapshot);
        var points = snapshot.Runs.Where(r => r.FlopsPerSecond > 0 && r.ArithmeticIntensity > 0).ToArray();
        if (roofs.Count == 0 && points.Length == 0)
        {
            html.Append("<p class=\"muted\">No device reports a FLOP/s ceiling and no run has finished yet.</p>");
            return;
        }

        var axes = Axes.Fit(roofs, points);
        html.Append(HtmlText.Invariant($"<svg class=\"roofline\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"roofline-title\" xmlns=\"http://www.w3.org/2000/svg\">"));
        html.Append("<title id=\"roofline-title\">Roofline: achieved FLOP/s against arithmetic intensity, log-log</title>");
        html.Append(HtmlText.Invariant($"<defs><clipPath id=\"roofline-area\"><rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\"/></clipPath></defs>"));
        RenderGrid(html, axes);
        html.Append("<g clip-path=\"url(#roofline-area)\">");
        foreach (var roof in roofs)
        {
            RenderRoof(html, axes, roof, snapshot.Devices);
        }

        var workloads = points.Select(p => p.Workload).Distinct(StringComparer.Ordinal).ToList();
        foreach (var run in points)
        {
            RenderPoint(html, axes, run, snapshot, Shapes[workloads.IndexOf(run.Workload) % Shapes.Length]);
        }

        html.Append("</g></svg>");
        RenderLegend(html, snapshot.Devices, roofs, workloads);
        var unplotted = snapshot.Runs.Count - points.Length;
        if (unplotted > 0)
        {
            html.Append(HtmlText.Invariant($"<p class=\"muted\">{unplotted} run(s) count no FLOPs or no bytes and are not plotted.</p>"));
        }
    }

    private static List<Roof> Roofs(ProfileSnapshot snapshot)
    {
        var roofs = new List<Roof>();
        foreach (var device in snapshot.Devices)
        {
            var style = 0;
            foreach (var ceiling in device.Compute.Where(c => c.Effective > 0))
            {
                roofs.Add(new Roof(device, ceiling, device.Bandwidth.Effective, style++));
            }
        }

        return roofs;
    }

    private static void RenderGrid(StringBuilder html, Axes axes)
    {
        html.Append("<g class=\"grid\">");
        for (var e = axes.XLow; e <= axes.XHigh; e++)
        {
            var x = axes.X(Math.Pow(10, e));
            html.Append(HtmlText.Invariant($"<line x1=\"{x:0.#}\" y1=\"{Top}\" x2=\"{x:0.#}\" y2=\"{Height - Bottom}\"/>"));
            html.Append(HtmlText.Invariant($"<text x=\"{x:0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{Tick(Math.Pow(10, e))}</text>"));
        }

        for (var e = axes.YLow; e <= axes.YHigh; e++)
        {
            var y = axes.Y(Math.Pow(10, e));
            html.Append(HtmlText.Invariant($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\"/>"));
            html.Append(HtmlText.Invariant($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Tick(Math.Pow(10, e))}</text>"));
        }

        html.Append("</g>");
        html.Append(HtmlText.Invariant($"<text class=\"axis\" x=\"{(Left + Width - Right) / 2:0.#}\" y=\"{Height - 8}\" text-anchor=\"middle\">arithmetic intensity (FLOP/byte)</text>"));
        html.Append(HtmlText.Invariant($"<text class=\"axis\" x=\"6\" y=\"{Top - 14}\">FLOP/s</text>"));
    }

    private static void RenderRoof(StringBuilder html, Axes axes, Roof roof, IReadOnlyList<DeviceSummary> devices)
    {
        var peak = roof.Ceiling.Effective;
        var left = Math.Pow(10, axes.XLow);
        var right = Math.Pow(10, axes.XHigh);
        var path = new StringBuilder();
        if (roof.Bandwidth > 0)
        {
            var ridge = peak / roof.Bandwidth;
            // Start where the slanted roof enters the plot: at the left edge, or higher up where it crosses the bottom.
            var start = Math.Max(left, Math.Pow(10, axes.YLow) / roof.Bandwidth);
            path.Append(HtmlText.Invariant($"M{axes.X(start):0.#},{axes.Y(Math.Min(peak, start * roof.Bandwidth)):0.#}"));
            if (ridge > start && ridge < right)
            {
                path.Append(HtmlText.Invariant($" L{axes.X(ridge):0.#},{axes.Y(peak):0.#}"));
            }

            path.Append(HtmlText.Invariant($" L{axes.X(right):0.#},{axes.Y(Math.Min(peak, right * roof.Bandwidth)):0.#}"));
        }
        else
        {
            path.Append(HtmlText.Invariant($"M{axes.X(left):0.#},{axes.Y(peak):0.#} L{axes.X(right):0.#},{axes.Y(peak):0.#}"));
        }

        var source = roof.Ceiling.Measured is null ? "datasheet" : $"measured; datasheet {HtmlText.Rate(roof.Ceiling.Datasheet, "FLOP/s")}";
        var bandwidth = roof.Bandwidth > 0
            ? $"{HtmlText.Rate(roof.Bandwidth, "B/s")}, ridge at {HtmlText.Significant(peak / roof.Bandwidth)} FLOP/byte"
            : "bandwidth unknown (flat roof only)";
        var title = $"{roof.Device.Id} {roof.Ceiling.Precision} roof: {HtmlText.Rate(peak, "FLOP/s")} ({source}), {bandwidth}";
        html.Append(HtmlText.Invariant($"<path class=\"roof {RooflinePlot.ColorClass(devices, roof.Device.Id)} s{roof.Style % 4}\" data-device=\"{HtmlText.Encode(roof.Device.Id)}\" data-precision=\"{HtmlText.Encode(roof.Ceiling.Precision)}\" d=\"{path}\"><title>{HtmlText.Encode(title)}</title></path>"));
    }

    private static void RenderPoint(StringBuilder html, Axes axes, RunSummary run, ProfileSnapshot snapshot, string shape)
    {
        var x = axes.X(run.ArithmeticIntensity);
        var y = axes.Y(run.FlopsPerSecond);
        var title = $"{run.Workload} on {run.Device} ({run.Implementation}), {run.Shape}: {HtmlText.Rate(run.FlopsPerSecond, "FLOP/s")} at "
            + $"{HtmlText.Significant(run.ArithmeticIntensity)} FLOP/byte, {HtmlText.Percent(run.RooflineRatio)} of its roof ({run.Bound}-bound)";
        html.Append(HtmlText.Invariant($"<g class=\"pt {ColorClass(snapshot.Devices, run.Device)}\" data-workload=\"{HtmlText.Encode(run.Workload)}\" data-device=\"{HtmlText.Encode(run.Device)}\" tabindex=\"0\"><title>{HtmlText.Encode(title)}</title>"));
        html.Append(Marker(shape, x, y, 5.5));
        html.Append("</g>");
    }

    private static string Marker(string shape, double x, double y, double r) => shape switch
    {
        "square" => HtmlText.Invariant($"<rect x=\"{x - r:0.#}\" y=\"{y - r:0.#}\" width=\"{2 * r:0.#}\" height=\"{2 * r:0.#}\"/>"),
        "diamond" => HtmlText.Invariant($"<path d=\"M{x:0.#},{y - (r * 1.3):0.#} L{x + (r * 1.3):0.#},{y:0.#} L{x:0.#},{y + (r * 1.3):0.#} L{x - (r * 1.3):0.#},{y:0.#} Z\"/>"),
        "triangle" => HtmlText.Invariant($"<path d=\"M{x:0.#},{y - (r * 1.3):0.#} L{x + (r * 1.2):0.#},{y + r:0.#} L{x - (r * 1.2):0.#},{y + r:0.#} Z\"/>"),
        _ => HtmlText.Invariant($"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"{r:0.#}\"/>"),
    };

    private static void RenderLegend(StringBuilder html, IReadOnlyList<DeviceSummary> devices, IReadOnlyList<Roof> roofs, List<string> workloads)
    {
        html.Append("<ul class=\"legend\">");
        foreach (var roof in roofs)
        {
            html.Append(HtmlText.Invariant($"<li><svg class=\"key\" viewBox=\"0 0 28 10\"><path class=\"roof {ColorClass(devices, roof.Device.Id)} s{roof.Style % 4}\" d=\"M1,5 L27,5\"/></svg>"));
            html.Append(HtmlText.Invariant($"{HtmlText.Encode(roof.Device.Id)} {HtmlText.Encode(roof.Ceiling.Precision)} <span class=\"muted\">{HtmlText.Rate(roof.Ceiling.Effective, "FLOP/s")}</span></li>"));
        }

        for (var i = 0; i < workloads.Count; i++)
        {
            html.Append("<li><svg class=\"key\" viewBox=\"0 0 14 14\"><g class=\"pt plain\">");
            html.Append(Marker(Shapes[i % Shapes.Length], 7, 7, 4.5));
            html.Append(HtmlText.Invariant($"</g></svg>{HtmlText.Encode(workloads[i])}</li>"));
        }

        html.Append("</ul>");
    }

    private static string Tick(double value) => value switch
    {
        >= 1e15 => HtmlText.Invariant($"{value / 1e15:0.##}P"),
        >= 1e12 => HtmlText.Invariant($"{value / 1e12:0.##}T"),
        >= 1e9 => HtmlText.Invariant($"{value / 1e9:0.##}G"),
        >= 1e6 => HtmlText.Invariant($"{value / 1e6:0.##}M"),
        >= 1e3 => HtmlText.Invariant($"{value / 1e3:0.##}k"),
        _ => HtmlText.Invariant($"{value:0.###}"),
    };

    private sealed record Roof(DeviceSummary Device, CeilingSummary Ceiling, double Bandwidth, int Style);

    /// <summary>Whole decades on both axes that hold every roof's ridge and peak and every point, with some air.</summary>
    private sealed record Axes(int XLow, int XHigh, int YLow, int YHigh)
    {
        public static Axes Fit(IReadOnlyList<Roof> roofs, IReadOnlyList<RunSummary> points)
        {
            var xs = points.Select(p => p.ArithmeticIntensity)
                .Concat(roofs.Where(r => r.Bandwidth > 0).Select(r => r.Ceiling.Effective / r.Bandwidth))
                .DefaultIfEmpty(1).ToArray();
            var (xLow, xHigh) = Decades(xs, 3);
            var lowestRoof = roofs.Select(r => r.Bandwidth > 0 ? Math.Min(r.Ceiling.Effective, r.Bandwidth * Math.Pow(10, xLow)) : r.Ceiling.Effective);
            var ys = points.Select(p => p.FlopsPerSecond).Concat(roofs.Select(r => r.Ceiling.Effective)).Concat(lowestRoof).ToArray();
            var (yLow, yHigh) = Decades(ys, 2);
            // Keep at most seven decades below the highest roof, so slow runs and steep roofs do not squash the rest.
            return new Axes(xLow, xHigh, Math.Max(yLow, yHigh - 7), yHigh);
        }

        public double X(double value) => Left + ((Math.Log10(value) - XLow) / (XHigh - XLow) * (Width - Left - Right));

        public double Y(double value) => Height - Bottom - ((Math.Log10(value) - YLow) / (YHigh - YLow) * (Height - Top - Bottom));

        private static (int Low, int High) Decades(IReadOnlyList<double> values, int minimumSpan)
        {
            var logs = values.Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).DefaultIfEmpty(0).ToArray();
            // A value within a tenth of a decade of a grid line gets the next decade too, so no marker sits on the frame.
            var low = (int)Math.Floor(logs.Min() - 0.1);
            var high = (int)Math.Ceiling(logs.Max() + 0.1);
            while (high - low < minimumSpan)
            {
                high++;
                if (high - low < minimumSpan)
                {
                    low--;
                }
            }

            return (low, high);
        }
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiProfiler.Agent.Reporting;

namespace AiProfiler.Agent.Tests.Reporting;

public sealed partial class HtmlReportRendererTests
{
    [Fact]
    public void Report_PluginStringsWithMarkup_AreEscapedAndTheFileRunsNoScript()
    {
        var run = SnapshotSamples.Run("x<script>alert(1)</script>", "cpu", 10, 1e10, shape: "<img src=x onerror=alert(2)>", impl: "a\"b");

        var html = HtmlReportRenderer.Report(SnapshotSamples.Snapshot([run]));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("x&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("a\"b", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_LoadsNothingFromOutsideAndForbidsScriptsByPolicy()
    {
        var html = HtmlReportRenderer.Report(SnapshotSamples.Snapshot([SnapshotSamples.Run("gemm", "cpu", 10, 1e10)]));

        Assert.DoesNotMatch(SourceAttribute(), html);
        Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#x27;none&#x27;; style-src &#x27;sha256-", html, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(html, "<style>"));
    }

    [Fact]
    public void Sections_Roofline_PlacesRunsOnLogLogAxes()
    {
        // Two runs two decades apart in intensity and one decade apart in FLOP/s.
        var html = HtmlReportRenderer.Sections(SnapshotSamples.Snapshot(
        [
            SnapshotSamples.Run("gemm", "cpu", 1, 1e9),
            SnapshotSamples.Run("attention", "cpu", 100, 1e10),
        ]));

        var gemm = Center(html, "gemm");
        var attention = Center(html, "attention");
        var xDecade = (attention.X - gemm.X) / 2;
        var yDecade = gemm.Y - attention.Y;
        Assert.True(xDecade > 20, $"two decades of intensity span only {attention.X - gemm.X} px");
        Assert.True(yDecade > 20, $"a decade of FLOP/s spans only {yDecade} px");
        // The CPU's roof: 20 GB/s meets 460 GFLOP/s at 23 FLOP/byte, so 1 FLOP/byte sits on the slanted part at 20 GFLOP/s.
        var roof = Regex.Match(html, "<path class=\"roof c0 s0\" data-device=\"cpu\" data-precision=\"fp32\" d=\"M([0-9.]+),([0-9.]+) L([0-9.]+),([0-9.]+)");
        Assert.True(roof.Success, "no fp32 roof for the cpu");
        var ridgeX = double.Parse(roof.Groups[3].Value, CultureInfo.InvariantCulture);
        var expectedRidge = gemm.X + (xDecade * Math.Log10(460e9 / 20e9));
        // Coordinates are written to 0.1 px, so a few roundings add up to half a pixel at most.
        Assert.InRange(ridgeX, expectedRidge - 0.5, expectedRidge + 0.5);
    }

    [Fact]
    public void Sections_SameWorkloadOnTwoDevices_ComparesThemAgainstTheCpu()
    {
        var html = HtmlReportRenderer.Sections(SnapshotSamples.Snapshot(
        [
            SnapshotSamples.Run("gemm", "cpu", 10, 1e10, meanSeconds: 4e-3),
            SnapshotSamples.Run("gemm", "opencl:0", 10, 4e10, meanSeconds: 1e-3, impl: "clblast"),
        ]));

        var comparison = html[html.IndexOf("<section id=\"comparison\"", StringComparison.Ordinal)..];
        comparison = comparison[..comparison.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Matches("opencl:0<span class=\"tag ok\">fastest</span>.*?<td class=\"n\">4×</td>", comparison);
        Assert.Contains("<td class=\"n\">1×</td>", comparison, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_WithAdvice_ShowVerdictFiguresWithOriginAndPredictedAgainstMeasured()
    {
        const string verdict = "gpt2-medium fp32, 512+128 tokens, SLO mlperf-interactive: cpu serves 0 users (TPOT 72 ms > 30 ms) — GPU needed";

        var html = HtmlReportRenderer.Sections(SnapshotSamples.Snapshot([], [SnapshotSamples.Advice(verdict)]));

        Assert.Contains($"<b>{HtmlText.Encode(verdict)}</b>", html, StringComparison.Ordinal);
        Assert.Contains("<span title=\"measured: inference run, 3 iterations\">72 ms <span class=\"muted\">meas.</span></span>", html, StringComparison.Ordinal);
        Assert.Contains("<span title=\"predicted: cpu fp32 460 GFLOP/s\">410 ms <span class=\"muted\">pred.</span></span>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"bad\">missed</td>", html, StringComparison.Ordinal);
        // 70 ms predicted against 80 ms measured: 12.5 % too low.
        Assert.Matches("<td class=\"n\">70 ms</td><td class=\"n\">80 ms</td><td class=\"n ok\">-12.5 %</td>", html);
        // Predicted again from the ceilings measured around the run: 90 ms, 12.5 % too high, with its basis escaped.
        Assert.Contains("<td class=\"n ok\" title=\"cpu re-measured &lt;now&gt;\">+12.5 %</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_ThroughTheJsonApi_RendersTheSameReport()
    {
        var snapshot = SnapshotSamples.Snapshot([SnapshotSamples.Run("gemm", "cpu", 10, 1e10)], [SnapshotSamples.Advice("cpu is enough")]);

        var json = JsonSerializer.Serialize(snapshot, ProfileSnapshotJson.Options);
        var back = JsonSerializer.Deserialize<ProfileSnapshot>(json, ProfileSnapshotJson.Options)!;

        Assert.Equal(HtmlReportRenderer.Report(snapshot), HtmlReportRenderer.Report(back));
    }

    private static (double X, double Y) Center(string html, string workload)
    {
        var match = Regex.Match(html, $"<g class=\"pt c0\" data-workload=\"{workload}\" data-device=\"cpu\" tabindex=\"0\"><title>[^<]*</title><(?:circle cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"|rect x=\"([0-9.]+)\" y=\"([0-9.]+)\")");
        Assert.True(match.Success, $"no point for {workload}");
        double Read(int group, int alternative) => match.Groups[group].Success
            ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture)
            : double.Parse(match.Groups[alternative].Value, CultureInfo.InvariantCulture) + 5.5;
        return (Read(1, 3), Read(2, 4));
    }

    [GeneratedRegex("(?:src|href)=\"(?!data:|metrics|api/summary|readyz)", RegexOptions.IgnoreCase)]
    private static partial Regex SourceAttribute();
}

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using AiProfiler.Core.Roofline;
using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Cli;

/// <summary>Prints run results as a table (like llama-bench), JSON or CSV.</summary>
internal static class RunResultFormatter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Text such as "M=512 N=512" or "2×" stays readable; the output is a file or a terminal, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new FiniteNumberJsonConverter() },
    };

    public static string Format(IReadOnlyList<RunResult> results, OutputFormat format) => format switch
    {
        OutputFormat.Json => JsonSerializer.Serialize(results.Select(ToDocument).ToArray(), Json) + "\n",
        OutputFormat.Csv => Csv(results),
        _ => Table(results),
    };

    private static string Table(IReadOnlyList<RunResult> results)
    {
        var table = new MarkdownTable("workload", "device", "impl", "shape", "iters", "mean ± stdev", "GFLOP/s", "GB/s", "items/s", "roofline", "verified");
        var notes = new StringBuilder();
        foreach (var r in results)
        {
            if (r.Measured)
            {
                table.Add(r.Workload, r.Device.Id, r.Implementation, r.Shape, r.Latency!.Count.ToString(CultureInfo.InvariantCulture),
                    Units.MeanAndDeviation(r.Latency.Mean, r.Latency.StandardDeviation), Units.Giga(r.FlopsPerSecond), Units.Giga(r.BytesPerSecond),
                    $"{Units.Rate(r.ItemsPerSecond)} {r.Cost!.ItemUnit}", Roofline(r.Roofline!), Verdict(r));
                if (r.Measurements.Count > 0)
                {
                    // The items/s column and a workload's own rates (prefill, decode tokens/s) are different figures: say which is which.
                    notes.Append(CultureInfo.InvariantCulture, $"  {r.Workload} on {r.Device.Id}: items/s {Units.Rate(r.ItemsPerSecond)} {r.Cost.ItemUnit}/s end to end ({Units.Number(r.Cost.Items)} {r.Cost.ItemUnit} per iteration / mean iteration time)\n");
                }

                foreach (var (name, stats) in r.Measurements)
                {
                    var (label, format) = Units.Measurement(name);
                    notes.Append(CultureInfo.InvariantCulture, $"  {r.Workload} on {r.Device.Id}: {label} mean {format(stats.Mean)}, p50 {format(stats.Median)}, p99 {format(stats.P99)}\n");
                }

                foreach (var note in r.Notes)
                {
                    notes.Append(CultureInfo.InvariantCulture, $"  {r.Workload} on {r.Device.Id}: {note}\n");
                }

                if (r.Outcome != RunOutcome.Passed)
                {
                    notes.Append(CultureInfo.InvariantCulture, $"  {r.Workload} on {r.Device.Id}: {r.Error}\n");
                }
            }
            else
            {
                table.Add(r.Workload, r.Device.Id, "-", r.Parameters, "0", "-", "-", "-", "-", "-", Verdict(r));
                notes.Append(CultureInfo.InvariantCulture, $"  {r.Workload} on {r.Device.Id}: {r.Error}\n");
            }
        }

        return table + (notes.Length > 0 ? "\n" + notes : "");
    }

    private static string Csv(IReadOnlyList<RunResult> results)
    {
        var text = new StringBuilder("workload,device,implementation,parameters,shape,outcome,iterations,mean_seconds,stdev_seconds,p50_seconds,p99_seconds,flops_per_second,bytes_per_second,items_per_second,item_unit,arithmetic_intensity,roofline_ratio,bound,verified,error\n");
        foreach (var r in results)
        {
            var l = r.Latency;
            string[] cells =
            [
                r.Workload, r.Device.Id, r.Implementation, r.Parameters, r.Shape, r.Outcome.ToString().ToLowerInvariant(),
                Number(l?.Count ?? 0), Number(l?.Mean), Number(l?.StandardDeviation), Number(l?.Median), Number(l?.P99),
                Number(r.FlopsPerSecond), Number(r.BytesPerSecond), Number(r.ItemsPerSecond), r.Cost?.ItemUnit ?? "",
                Number(r.ArithmeticIntensity), Number(r.Roofline?.RooflineRatio), r.Roofline?.Bound ?? "",
                r.Verification is { } v ? (v.Passed ? "true" : "false") : "", r.Error ?? "",
            ];
            text.AppendJoin(',', cells.Select(Quote)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// What a user reads in the progress line and the <c>verified</c> column: <c>passed</c> only when the output was
    /// checked, <c>not verified</c> after <c>--no-verify</c>, otherwise why the run did not pass.
    /// </summary>
    public static string Verdict(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome switch
        {
            RunOutcome.Passed => result.Verification is null ? "not verified" : "passed",
            RunOutcome.VerificationFailed => "FAILED",
            _ => result.Outcome.ToString().ToLowerInvariant(),
        };
    }

    private static string Roofline(RooflinePoint point) => point switch
    {
        { PeakBandwidthBytesPerSecond: <= 0 } => "unknown bandwidth",
        { PeakFlopsPerSecond: <= 0 } => "unknown peak FLOP/s",
        _ => $"{Units.Percent(point.RooflineRatio)} of {point.Bound}",
    };

    private static string Number(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    private static object ToDocument(RunResult r) => new
    {
        workload = r.Workload,
        device = r.Device.Id,
        deviceName = r.Device.Name,
        implementation = r.Implementation,
        parameters = r.Parameters,
        shape = r.Shape,
        outcome = r.Outcome.ToString().ToLowerInvariant(),
        error = r.Error,
        startedAt = r.StartedAt,
        iterations = r.Latency?.Count ?? 0,
        latencySeconds = r.Latency,
        gflops = r.FlopsPerSecond / 1e9,
        flopsPerSecond = r.FlopsPerSecond,
        bytesPerSecond = r.BytesPerSecond,
        itemsPerSecond = r.ItemsPerSecond,
        itemUnit = r.Cost?.ItemUnit,
        cost = r.Cost,
        arithmeticIntensity = r.ArithmeticIntensity,
        roofline = r.Roofline is { } p ? new
        {
            bound = p.Bound,
            peakFlopsPerSecond = p.PeakFlopsPerSecond,
            peakBandwidthBytesPerSecond = p.PeakBandwidthBytesPerSecond,
            ridgeIntensity = p.RidgeIntensity,
            attainableFlopsPerSecond = p.AttainableFlopsPerSecond,
            rooflineRatio = p.RooflineRatio,
            peakFlopsRatio = p.PeakFlopsRatio,
            peakBandwidthRatio = p.PeakBandwidthRatio,
        }
        : null,
        verification = r.Verification,
        measurements = r.Measurements,
        notes = r.Notes,
    };
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
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
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
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
                    $"{Units.Rate(r.ItemsPerSecond)} {r.Cost!.ItemUnit}", $"{Units.Percent(r.Roofline!.RooflineRatio)} of {r.Roofline.Bound}",
                    r.Outcome == RunOutcome.Passed ? "passed" : "FAILED");
                foreach (var (name, stats) in r.Measurements)
                {
                    notes.Append(CultureInfo.InvariantCulture, $"  {r.Workload} on {r.Device.Id}: {name} mean {stats.Mean:G4}, p50 {stats.Median:G4}, p99 {stats.P99:G4}\n");
                }

                if (r.Outcome != RunOutcome.Passed)
                {
                    notes.Append(CultureInfo.InvariantCulture, $"  {r.Workload} on {r.Device.Id}: {r.Error}\n");
                }
            }
            else
            {
                table.Add(r.Workload, r.Device.Id, "-", r.Parameters, "0", "-", "-", "-", "-", "-", r.Outcome.ToString().ToLowerInvariant());
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
                r.Outcome == RunOutcome.Passed ? "true" : "false", r.Error ?? "",
            ];
            text.AppendJoin(',', cells.Select(Quote)).Append('\n');
        }

        return text.ToString();
    }

    private static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

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
    };
}

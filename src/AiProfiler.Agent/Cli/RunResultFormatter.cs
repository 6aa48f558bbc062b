using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// Prints bench results like llama-bench: a pipe table (or the same table as Markdown), JSON (an array, or one object
/// per line) with the host, build and device beside each result, or CSV. Columns for the thread count and for swept
/// parameters appear when the command set them.
/// </summary>
internal static class RunResultFormatter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly JsonSerializerOptions JsonLine = new(Json) { WriteIndented = false };

    /// <summary>Formats <paramref name="rows"/>; <paramref name="sweptKeys"/> and <paramref name="showThreads"/> add table columns.</summary>
    public static string Format(IReadOnlyList<BenchRow> rows, OutputFormat format, BenchMetadata metadata, IReadOnlyList<string> sweptKeys, bool showThreads) => format switch
    {
        OutputFormat.Json => JsonSerializer.Serialize(rows.Select(r => ToDocument(r, metadata)).ToArray(), Json) + "\n",
        OutputFormat.JsonLines => string.Concat(rows.Select(r => JsonSerializer.Serialize(ToDocument(r, metadata), JsonLine) + "\n")),
        OutputFormat.Csv => Csv(rows.Select(r => r.Result).ToArray()),
        OutputFormat.Markdown => Table(rows, sweptKeys, showThreads, markdown: true) + $"\nbuild: {metadata.Version} ({metadata.Commit}), {metadata.Runtime}; host: {metadata.CpuModel}, {metadata.LogicalCores} logical cores, {metadata.Os}\n",
        _ => Table(rows, sweptKeys, showThreads, markdown: false),
    };

    private static string Table(IReadOnlyList<BenchRow> rows, IReadOnlyList<string> sweptKeys, bool showThreads, bool markdown)
    {
        string[] leading = ["workload", "device", "impl", .. showThreads ? ["threads"] : Array.Empty<string>(), .. sweptKeys];
        string[] trailing = ["shape", "iters", "mean ± stdev", "GFLOP/s", "GB/s", "items/s", "roofline", "verified"];
        var table = new MarkdownTable([.. leading, .. trailing]);
        if (markdown)
        {
            // Figures right-aligned, as llama-bench's Markdown marks them.
            table.AlignRight(leading.Length + 1, leading.Length + 2, leading.Length + 3, leading.Length + 4, leading.Length + 5);
        }

        var notes = new StringBuilder();
        foreach (var row in rows)
        {
            var r = row.Result;
            string[] first = [r.Workload, r.Device.Id, r.Measured ? r.Implementation : "-", .. showThreads ? [r.Threads?.ToString(CultureInfo.InvariantCulture) ?? "-"] : Array.Empty<string>(), .. sweptKeys.Select(k => row.Swept.GetValueOrDefault(k, "-"))];
            if (r.Measured)
            {
                table.Add([.. first, r.Shape, r.Latency!.Count.ToString(CultureInfo.InvariantCulture),
                    Units.MeanAndDeviation(r.Latency.Mean, r.Latency.StandardDeviation), Units.Giga(r.FlopsPerSecond), Units.Giga(r.BytesPerSecond),
                    $"{Units.Rate(r.ItemsPerSecond)} {r.Cost!.ItemUnit}", $"{Units.Percent(r.Roofline!.RooflineRatio)} of {r.Roofline.Bound}",
                    r.Outcome == RunOutcome.Passed ? "passed" : "FAILED"]);
                foreach (var (name, stats) in r.Measurements)
                {
                    notes.Append(CultureInfo.InvariantCulture, $"{(markdown ? "- " : "  ")}{r.Workload} on {r.Device.Id}: {name} mean {stats.Mean:G4}, p50 {stats.Median:G4}, p99 {stats.P99:G4}\n");
                }

                if (r.Outcome != RunOutcome.Passed)
                {
                    notes.Append(CultureInfo.InvariantCulture, $"{(markdown ? "- " : "  ")}{r.Workload} on {r.Device.Id}: {r.Error}\n");
                }
            }
            else
            {
                table.Add([.. first, r.Parameters, "0", "-", "-", "-", "-", "-", r.Outcome.ToString().ToLowerInvariant()]);
                notes.Append(CultureInfo.InvariantCulture, $"{(markdown ? "- " : "  ")}{r.Workload} on {r.Device.Id}: {r.Error}\n");
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

    private static object ToDocument(BenchRow row, BenchMetadata metadata)
    {
        var r = row.Result;
        return new
        {
            workload = r.Workload,
            device = r.Device.Id,
            deviceName = r.Device.Name,
            backend = r.Device.Kind.ToString().ToLowerInvariant(),
            deviceDriver = r.Device.DriverVersion,
            threads = r.Threads,
            implementation = r.Implementation,
            parameters = r.Parameters,
            parameterValues = row.Parameters,
            swept = row.Swept,
            host = new { name = metadata.Host, os = metadata.Os, cpu = metadata.CpuModel, logicalCores = metadata.LogicalCores },
            build = new { version = metadata.Version, commit = metadata.Commit, runtime = metadata.Runtime },
            benchStartedAt = metadata.Timestamp,
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
}

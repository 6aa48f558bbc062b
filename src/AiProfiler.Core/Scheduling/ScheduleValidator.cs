using System.Globalization;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Plugins;

namespace AiProfiler.Core.Scheduling;

/// <summary>
/// Checks the schedule against what this agent really has (the workloads loaded, the devices found) and names the
/// configuration key of every problem, e.g. <c>Schedule:Jobs:0:Parameters:m</c>.
/// </summary>
public static class ScheduleValidator
{
    /// <summary>Returns one line per problem; empty when the schedule is valid.</summary>
    public static IReadOnlyList<string> Validate(ScheduleOptions options, PluginCatalog catalog, DeviceRegistry devices)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(devices);
        var errors = new List<string>();
        Range(errors, "Schedule:InitialDelaySeconds", options.InitialDelaySeconds, 0, 3600);
        for (var i = 0; i < options.Jobs.Count; i++)
        {
            var job = options.Jobs[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"Schedule:Jobs:{i}");
            Range(errors, $"{key}:IntervalSeconds", job.IntervalSeconds, 1, 86_400);
            Range(errors, $"{key}:Iterations", job.Iterations, 1, 100_000);
            Range(errors, $"{key}:WarmupIterations", job.WarmupIterations, 0, 1000);
            Range(errors, $"{key}:TimeBudgetSeconds", job.TimeBudgetSeconds, 0.01, 3600);
            Range(errors, $"{key}:TimeoutSeconds", job.TimeoutSeconds, 1, 86_400);
            if (job.Threads is { } threads)
            {
                Range(errors, $"{key}:Threads", threads, 1, Environment.ProcessorCount);
            }

            if (job.Devices.Count == 0)
            {
                errors.Add($"{key}:Devices: no device given; list ids such as \"cpu\", \"opencl:0\", \"cuda:0\" or \"all\"");
            }

            for (var d = 0; d < job.Devices.Count; d++)
            {
                if (job.Devices[d] != "all" && devices.Validate(job.Devices[d]) is { } deviceError
                    && !deviceError.Contains("is unavailable", StringComparison.Ordinal))
                {
                    errors.Add($"{key}:Devices:{d}: {deviceError}");
                }
            }

            var workload = catalog.FindWorkload(job.Workload);
            if (workload is null)
            {
                var loaded = catalog.Workloads.Select(w => w.Name).ToArray();
                errors.Add($"{key}:Workload: unknown workload '{job.Workload}'; loaded: {(loaded.Length > 0 ? string.Join(", ", loaded) : $"none (check {catalog.Directory})")}");
                continue;
            }

            try
            {
                ParameterSet.Create(workload.Name, workload.Parameters, new Dictionary<string, string>(job.Parameters));
            }
            catch (ParameterException ex)
            {
                var name = job.Parameters.Keys.FirstOrDefault(k => ex.Message.Contains($"'{k}'", StringComparison.OrdinalIgnoreCase)) ?? "";
                errors.Add($"{key}:Parameters{(name.Length > 0 ? ":" + name : "")}: {ex.Message}");
            }
        }

        return errors;
    }

    private static void Range(List<string> errors, string key, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: {value} is outside {min}..{max}"));
        }
    }
}

using System.CommandLine;
using System.Globalization;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Running;
using AiProfiler.Core.Workers;

namespace AiProfiler.Agent.Cli;

/// <summary><c>aiprofiler bench</c>: one measurement of one workload on one or more devices, printed like llama-bench.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var workload = new Option<string>("--workload", "-w") { Description = "the workload to run (see `aiprofiler workloads`)", Required = true, HelpName = "NAME" };
        var device = new Option<string[]>("--device", "-d")
        {
            Description = "device id: cpu, opencl:N or cuda:N; repeat to compare devices side by side",
            DefaultValueFactory = _ => ["cpu"],
            HelpName = "ID",
        };
        var parameters = new Option<string[]>("--param", "-p") { Description = "a workload parameter, key=value; repeat for more", HelpName = "KEY=VALUE" };
        var iterations = new Option<int>("--iterations", "-n") { Description = "the most timed iterations (1..100000)", DefaultValueFactory = _ => 10 };
        iterations.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100_000)
            {
                r.AddError($"--iterations must be between 1 and 100000, got {r.GetValueOrDefault<int>()}");
            }
        });
        var warmup = new Option<int>("--warmup") { Description = "untimed iterations first (0..1000)", DefaultValueFactory = _ => 2 };
        warmup.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 1000)
            {
                r.AddError($"--warmup must be between 0 and 1000, got {r.GetValueOrDefault<int>()}");
            }
        });
        var budget = new Option<double>("--time-budget") { Description = "stop timing after this many seconds (0.01..3600)", DefaultValueFactory = _ => 30, HelpName = "SECONDS" };
        budget.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0.01 or > 3600 or double.NaN)
            {
                r.AddError($"--time-budget must be between 0.01 and 3600 seconds, got {r.GetValueOrDefault<double>().ToString(CultureInfo.InvariantCulture)}");
            }
        });
        var format = AgentCli.FormatOption("table", "json", "csv");
        var noVerify = new Option<bool>("--no-verify") { Description = "skip checking the output against the reference" };
        var plugins = AgentCli.PluginsOption();
        var config = AgentCli.ConfigOption();
        var command = new Command("bench", "Measure one workload now and print the result (mean ± stdev, GFLOP/s, GB/s, items/s, roofline, verification).")
        {
            workload, device, parameters, iterations, warmup, budget, format, noVerify, plugins, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var supplied = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in parse.GetValue(parameters) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    return AgentCli.Usage(error, "bench", $"--param '{pair}' is not key=value; e.g. --param m=1024");
                }

                supplied[pair[..equals].Trim()] = pair[(equals + 1)..];
            }

            using var environment = CommandEnvironment.Create(parse.GetValue(config), parse.GetValue(plugins), error);
            var name = parse.GetValue(workload)!;
            var found = environment.Catalog.FindWorkload(name);
            if (found is null)
            {
                var loaded = environment.Catalog.Workloads.Select(w => w.Name).ToArray();
                return AgentCli.Usage(error, "bench", $"unknown workload '{name}'; loaded: {(loaded.Length > 0 ? string.Join(", ", loaded) : $"none (check {environment.Catalog.Directory})")}");
            }

            ParameterSet set;
            try
            {
                set = ParameterSet.Create(found.Name, found.Parameters, supplied);
            }
            catch (ParameterException ex)
            {
                return AgentCli.Usage(error, "bench", ex.Message);
            }

            var devices = parse.GetValue(device)!.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            foreach (var id in devices)
            {
                if (environment.Devices.Validate(id) is { } problem)
                {
                    if (problem.Contains("is unavailable", StringComparison.Ordinal))
                    {
                        error.WriteLine($"aiprofiler: {problem}");
                        return AgentCli.Failure;
                    }

                    return AgentCli.Usage(error, "bench", problem);
                }
            }

            var options = new RunOptions
            {
                Iterations = parse.GetValue(iterations),
                WarmupIterations = parse.GetValue(warmup),
                TimeBudget = TimeSpan.FromSeconds(parse.GetValue(budget)),
                Verify = !parse.GetValue(noVerify),
                Timeout = TimeSpan.FromHours(1),
            };
            // Each device's run happens in a worker process: Ctrl+C stops the worker (killing it if it does not stop in
            // time), and the results measured so far are printed.
            var workers = environment.Get<WorkerPool>();
            var plugin = environment.Catalog.FindPlugin(found.Name)!;
            var results = new List<RunResult>();
            foreach (var id in devices)
            {
                var progress = new ProgressLine(error, $"{found.Name} on {id}");
                var info = environment.Devices.Devices.First(d => d.Id == DeviceRegistry.Normalize(id));
                try
                {
                    var result = await workers.RunAsync(plugin, found.Name, info, set, options, progress, cancellationToken).ConfigureAwait(false);
                    progress.Done(result.Outcome.ToString().ToLowerInvariant());
                    results.Add(result);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    progress.Done("interrupted");
                    await workers.DisposeAsync().ConfigureAwait(false);
                    if (results.Count > 0)
                    {
                        output.Write(RunResultFormatter.Format(results, AgentCli.ParseFormat(parse.GetValue(format)!)));
                    }

                    await error.WriteLineAsync($"aiprofiler: interrupted during {found.Name} on {id}; {results.Count} of {devices.Length} device runs finished").ConfigureAwait(false);
                    return AgentCli.Interrupted;
                }
            }

            output.Write(RunResultFormatter.Format(results, AgentCli.ParseFormat(parse.GetValue(format)!)));
            return results.All(r => r.Outcome == RunOutcome.Passed) ? AgentCli.Success : AgentCli.Failure;
        });
        return command;
    }
}

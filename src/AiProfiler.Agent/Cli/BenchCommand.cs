using System.CommandLine;
using System.Globalization;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Running;
using AiProfiler.Core.Workers;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// <c>aiprofiler bench</c>: measures one workload on one or more devices, printed like llama-bench. Parameters and
/// <c>--threads</c> take comma lists and ranges (<see cref="ParameterSweep"/>); every combination is one row per device.
/// </summary>
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
        var parameters = new Option<string[]>("--param", "-p")
        {
            Description = "a workload parameter, key=value; a comma list or integer range (first-last, first-last+step, first-last*factor) sweeps it; repeat for more",
            HelpName = "KEY=VALUES",
        };
        var threads = new Option<string?>("--threads", "-t") { Description = "host threads for the CPU device (1..logical cores); a comma list or range sweeps it; default all", HelpName = "N" };
        var iterations = NumberOptions.WholeNumber("--iterations", "the most timed iterations per row, reported as mean ± stdev (llama-bench's --repetitions)", 1, 100_000, 10, "-n", "--repetitions", "-r");
        var warmup = NumberOptions.WholeNumber("--warmup", "untimed iterations first", 0, 1000, 2);
        var budget = NumberOptions.Seconds("--time-budget", "warm-up, timing and verification stop after this many seconds, after at least one timed iteration", 0.01, 3600, 30);
        var format = AgentCli.FormatOption("table", "json", "jsonl", "csv", "markdown");
        var noVerify = new Option<bool>("--no-verify") { Description = "skip checking the output against the reference" };
        var plugins = AgentCli.PluginsOption();
        var config = AgentCli.ConfigOption();
        var command = new Command("bench", "Measure one workload now and print the result (mean ± stdev, GFLOP/s, GB/s, items/s, roofline, verification).")
        {
            workload, device, parameters, threads, iterations, warmup, budget, format, noVerify, plugins, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IReadOnlyList<IReadOnlyDictionary<string, string>> combinations;
            List<int?> threadCounts;
            try
            {
                combinations = ParameterSweep.Expand(parse.GetValue(parameters) ?? []);
                threadCounts = ParseThreads(parse.GetValue(threads));
            }
            catch (FormatException ex)
            {
                return AgentCli.Usage(error, "bench", ex.Message);
            }

            using var environment = CommandEnvironment.Create(parse.GetValue(config), parse.GetValue(plugins), error);
            var name = parse.GetValue(workload)!;
            var found = environment.Catalog.FindWorkload(name);
            if (found is null)
            {
                var loaded = environment.Catalog.Workloads.Select(w => w.Name).ToArray();
                return AgentCli.Usage(error, "bench", $"unknown workload '{name}'; loaded: {(loaded.Length > 0 ? string.Join(", ", loaded) : $"none (check {environment.Catalog.Directory})")}");
            }

            var sets = new List<ParameterSet>(combinations.Count);
            try
            {
                // Every combination is checked before the first run: a bad value late in a sweep must not cost the runs before it.
                sets.AddRange(combinations.Select(c => ParameterSet.Create(found.Name, found.Parameters, c)));
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
            // Each run happens in the plugin's worker process: Ctrl+C stops the worker (killing it if it does not stop in
            // time), and the rows measured so far are printed.
            var workers = environment.Get<WorkerPool>();
            var plugin = environment.Catalog.FindPlugin(found.Name)!;
            var rows = new List<BenchRow>();
            var swept = SweptKeys(combinations);
            var total = sets.Count * threadCounts.Count * devices.Length;
            for (var i = 0; i < sets.Count; i++)
            {
                foreach (var count in threadCounts)
                {
                    foreach (var id in devices)
                    {
                        var label = string.Join(' ', [.. swept.Select(k => $"{k}={combinations[i][k]}"), .. count is { } t ? [$"threads={t}"] : Array.Empty<string>()]);
                        var what = $"{found.Name} on {id}{(label.Length > 0 ? $" ({label})" : "")}";
                        var progress = new ProgressLine(error, what);
                        var info = environment.Devices.Devices.First(d => d.Id == DeviceRegistry.Normalize(id));
                        try
                        {
                            var result = await workers.RunAsync(plugin, found.Name, info, sets[i], options with { Threads = count }, progress, cancellationToken).ConfigureAwait(false);
                            progress.Done(RunResultFormatter.Verdict(result));
                            rows.Add(new BenchRow(result, sets[i].Values, swept.ToDictionary(k => k, k => combinations[i][k], StringComparer.OrdinalIgnoreCase)));
                        }
                        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                        {
                            progress.Done("interrupted");
                            await workers.DisposeAsync().ConfigureAwait(false);
                            if (rows.Count > 0)
                            {
                                output.Write(RunResultFormatter.Format(rows, AgentCli.ParseFormat(parse.GetValue(format)!), BenchMetadata.Collect(environment.Devices.Devices, TimeProvider.System.GetUtcNow()), swept, showThreads: threadCounts[0] is not null));
                            }

                            await error.WriteLineAsync($"aiprofiler: interrupted during {what}; {rows.Count} of {total} runs finished").ConfigureAwait(false);
                            return AgentCli.Interrupted;
                        }
                    }
                }
            }

            var metadata = BenchMetadata.Collect(environment.Devices.Devices, TimeProvider.System.GetUtcNow());
            output.Write(RunResultFormatter.Format(rows, AgentCli.ParseFormat(parse.GetValue(format)!), metadata, swept, showThreads: threadCounts[0] is not null));
            return rows.All(r => r.Result.Outcome == RunOutcome.Passed) ? AgentCli.Success : AgentCli.Failure;
        });
        return command;
    }

    /// <summary>The keys a sweep varies: those with more than one value, in the order given.</summary>
    private static string[] SweptKeys(IReadOnlyList<IReadOnlyDictionary<string, string>> combinations) =>
        combinations.Count < 2
            ? []
            : [.. combinations[0].Keys.Where(k => combinations.Any(c => c[k] != combinations[0][k]))];

    /// <summary><c>--threads</c>: absent (null, the device's own count) or a list of counts within the host's cores.</summary>
    private static List<int?> ParseThreads(string? text)
    {
        if (text is null)
        {
            return [null];
        }

        var cores = Environment.ProcessorCount;
        var counts = new List<int?>();
        foreach (var value in ParameterSweep.ExpandValues("threads", text).Select(v => v.Trim()))
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > cores)
            {
                throw new FormatException($"--threads {value} is not a thread count of this host; use 1 to {cores} (its logical cores), a list such as 1,{cores} or a range such as 1-{cores}");
            }

            counts.Add(count);
        }

        return counts;
    }
}

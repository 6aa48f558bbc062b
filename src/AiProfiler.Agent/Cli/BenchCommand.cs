using System.CommandLine;
using AiProfiler.Abstractions.Parameters;
using AiProfiler.Core.Running;

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
        var iterations = NumberOptions.WholeNumber("--iterations", "the most timed iterations", 1, 100_000, 10, "-n");
        var warmup = NumberOptions.WholeNumber("--warmup", "untimed iterations first", 0, 1000, 2);
        var budget = NumberOptions.Seconds("--time-budget", "warm-up, timing and verification stop after this many seconds, after at least one timed iteration", 0.01, 3600, 30);
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
            var runner = environment.Get<Runner>();
            var results = new List<RunResult>();
            foreach (var id in devices)
            {
                var progress = new ProgressLine(error, $"{found.Name} on {id}");
                var result = await runner.RunAsync(found, environment.Devices.Open(id), set, options, progress, cancellationToken).ConfigureAwait(false);
                progress.Done(RunResultFormatter.Verdict(result));
                results.Add(result);
            }

            output.Write(RunResultFormatter.Format(results, AgentCli.ParseFormat(parse.GetValue(format)!)));
            return results.All(r => r.Outcome == RunOutcome.Passed) ? AgentCli.Success : AgentCli.Failure;
        });
        return command;
    }
}

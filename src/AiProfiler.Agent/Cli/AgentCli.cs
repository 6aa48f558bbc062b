using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// The <c>aiprofiler</c> command line. Exit codes: 0 success, 1 a run failed or the agent could not start,
/// 2 wrong arguments (with one error line and the command's usage line), 130 <c>bench</c> interrupted by Ctrl+C.
/// </summary>
internal static class AgentCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT), as shells report it.</summary>
    public const int Interrupted = 130;

    private static readonly Dictionary<string, string> UsageLines = new(StringComparer.Ordinal)
    {
        ["aiprofiler"] = "usage: aiprofiler <run|bench|devices|workloads|calibrate|advise|report> [options]   (aiprofiler <command> --help for details)",
        ["run"] = "usage: aiprofiler run [--urls http://127.0.0.1:9464] [--config FILE] [--plugins DIR]",
        ["bench"] = "usage: aiprofiler bench --workload NAME [--device cpu|opencl:N|cuda:N]... [--param key=value[,value|first-last[+step|*factor]]...]... [--threads N[,N...]] [--iterations|--repetitions N] [--warmup N] [--time-budget SECONDS] [--format table|json|jsonl|csv|markdown] [--plugins DIR] [--config FILE] [--no-verify]",
        ["devices"] = "usage: aiprofiler devices [--format table|json] [--config FILE]",
        ["workloads"] = "usage: aiprofiler workloads [--format table|json] [--plugins DIR] [--config FILE]",
        ["calibrate"] = "usage: aiprofiler calibrate [--cached] [--format table|json] [--config FILE]",
        ["advise"] = AdviseCommand.Usage,
        ["report"] = "usage: aiprofiler report [--url http://127.0.0.1:9464] [--out FILE] [--timeout SECONDS]",
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("AiProfiler: measures AI workloads on every CPU and GPU of this machine, places them on a roofline, and serves Prometheus metrics.")
        {
            RunCommand.Create(output, error),
            BenchCommand.Create(output, error),
            DevicesCommand.Create(output, error),
            WorkloadsCommand.Create(output, error),
            CalibrateCommand.Create(output, error),
            AdviseCommand.Create(output, error),
            ReportCommand.Create(output, error),
            WorkerCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // The parser reports a missing subcommand even when the real problem is a mistyped one: name the latter.
            var first = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal))
                ?? parse.Errors.FirstOrDefault(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal));
            var message = first?.Message ?? "a command is required";
            return Usage(error, parse.CommandResult.Command.Name, string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }

        // Ctrl+C and SIGTERM cancel the command's token and nothing else: each command decides how it ends (bench prints
        // what it measured and exits 130; run stops its workers and exits 0), instead of the parser's own handler
        // choosing the exit code.
        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        try
        {
            return await parse.InvokeAsync(invocation, stop.Token).ConfigureAwait(false);
        }
        catch (FileNotFoundException ex)
        {
            return Usage(error, parse.CommandResult.Command.Name, ex.Message);
        }
        catch (InvalidDataException ex)
        {
            await error.WriteLineAsync($"aiprofiler: configuration error: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("onfiguration", StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"aiprofiler: configuration error: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"aiprofiler: configuration error: {string.Join("; ", ex.Failures)}").ConfigureAwait(false);
            return Failure;
        }
        catch (OperationCanceledException)
        {
            return Failure;
        }
#pragma warning disable CA1031 // The last line of defence: one readable line and exit 1, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync($"aiprofiler: error: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }

        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>Prints one error line and the command's usage line; returns exit code 2.</summary>
    public static int Usage(TextWriter error, string command, string message)
    {
        error.WriteLine($"aiprofiler: error: {message}");
        error.WriteLine(UsageLines.GetValueOrDefault(command, UsageLines["aiprofiler"]));
        return UsageError;
    }

    /// <summary>Parses the value of <c>--format</c>.</summary>
    public static OutputFormat ParseFormat(string text) => text switch
    {
        "json" => OutputFormat.Json,
        "csv" => OutputFormat.Csv,
        "jsonl" => OutputFormat.JsonLines,
        "markdown" => OutputFormat.Markdown,
        _ => OutputFormat.Table,
    };

    /// <summary>The <c>--config</c> option shared by every command.</summary>
    public static Option<string?> ConfigOption() => new("--config")
    {
        Description = "the JSON configuration file to use instead of the appsettings.json beside the agent",
        HelpName = "FILE",
    };

    /// <summary>The <c>--plugins</c> option shared by the commands that load plugins.</summary>
    public static Option<string?> PluginsOption()
    {
        var option = new Option<string?>("--plugins")
        {
            Description = "a folder of plugin folders (default: Plugins:Directory, i.e. plugins/ beside the agent)",
            HelpName = "DIR",
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } path && PluginsFolderProblem(path) is { } problem)
            {
                r.AddError(problem);
            }
        });
        return option;
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be a plugins folder: it does not exist, or it is one plugin's build output
    /// (a common first attempt) rather than a folder holding one folder per plugin.
    /// </summary>
    public static string? PluginsFolderProblem(string path)
    {
        if (!Directory.Exists(path))
        {
            return $"--plugins '{path}' does not exist; pass a folder that holds one folder per plugin";
        }

        var assembly = Directory.EnumerateFiles(path, "*.deps.json").Select(f => Path.GetFileName(f)[..^".deps.json".Length]).Order(StringComparer.Ordinal).FirstOrDefault();
        return assembly is null
            ? null
            : $"--plugins '{path}' holds the files of one plugin ({assembly}.dll); it expects a folder of plugin folders: copy them into DIR/{assembly}/ and pass --plugins DIR";
    }

    /// <summary>The <c>--format</c> option.</summary>
    public static Option<string> FormatOption(params string[] allowed)
    {
        var option = new Option<string>("--format")
        {
            Description = $"output format: {string.Join(", ", allowed)}",
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }
}

using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AiProfiler.Agent.Hosting;

namespace AiProfiler.Agent.Cli;

/// <summary><c>aiprofiler run</c>: the agent itself, until Ctrl+C or SIGTERM.</summary>
internal static partial class RunCommand
{
    public const string DefaultUrls = "http://127.0.0.1:9464";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var urls = new Option<string>("--urls") { Description = "where to serve /metrics (semicolon-separated)", DefaultValueFactory = _ => DefaultUrls, HelpName = "URLS" };
        urls.Validators.Add(r =>
        {
            foreach (var url in (r.GetValueOrDefault<string>() ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Uri.TryCreate(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    r.AddError($"--urls '{url}' is not an http(s) URL; e.g. --urls http://127.0.0.1:9464");
                }
            }
        });
        var config = AgentCli.ConfigOption();
        var plugins = AgentCli.PluginsOption();
        var command = new Command("run", "Run the agent: load plugins, run the scheduled workloads, sample the hardware, serve /metrics.") { urls, config, plugins };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = AgentHost.Build(parse.GetValue(urls)!, parse.GetValue(config), parse.GetValue(plugins));
            await using (app.ConfigureAwait(false))
            {
                try
                {
                    await app.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex) when (ex.InnerException is SocketException || ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
                {
                    var startLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RunCommand).FullName!);
                    LogStartFailed(startLog, ex);
                    await error.WriteLineAsync($"aiprofiler: cannot listen on {parse.GetValue(urls)}: {ex.GetBaseException().Message}; stop the other process or pass another --urls").ConfigureAwait(false);
                    return AgentCli.Failure;
                }
                catch (OperationCanceledException)
                {
                    return AgentCli.Success;
                }
                catch (Exception ex)
                {
                    // The command line prints the one line that matters; the stack is there for whoever turns on debug logging.
                    var startLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RunCommand).FullName!);
                    LogStartFailed(startLog, ex);
                    throw;
                }

                // SIGHUP is not a reload: plugins reload on their own when their folder changes, and the configuration is
                // read at start. Without a handler the runtime would end the agent (exit 129) when a terminal closes.
                var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AiProfiler.Agent");
                using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
                {
                    context.Cancel = true;
                    LogHangupIgnored(log);
                });
                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);

                // A service that failed stopped the host: exit non-zero so systemd's Restart=on-failure restarts it.
                if (app.Services.GetServices<IHostedService>().OfType<BackgroundService>().FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true }) is { } failed)
                {
                    await error.WriteLineAsync($"aiprofiler: stopped because {failed.GetType().Name} failed: {failed.ExecuteTask!.Exception!.InnerException?.Message}").ConfigureAwait(false);
                    return AgentCli.Failure;
                }
            }

            return AgentCli.Success;
        });
        return command;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The agent could not start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "SIGHUP ignored: plugins reload when their folder changes; restart the agent to apply configuration changes")]
    private static partial void LogHangupIgnored(ILogger logger);
}

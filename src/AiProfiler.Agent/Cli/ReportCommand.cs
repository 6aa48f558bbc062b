using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using AiProfiler.Agent.Reporting;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// <c>aiprofiler report</c>: reads a running agent's snapshot (devices, calibration, latest runs, verdicts) through
/// <c>/api/summary</c> and writes it as one self-contained HTML file.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var url = new Option<string>("--url") { Description = "the running agent", DefaultValueFactory = _ => RunCommand.DefaultUrls, HelpName = "URL" };
        var outFile = new Option<string>("--out") { Description = "the HTML file to write", DefaultValueFactory = _ => "aiprofiler-report.html", HelpName = "FILE" };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for the agent", DefaultValueFactory = _ => 10, HelpName = "SECONDS" };
        var command = new Command("report", "Write a running agent's devices, calibration, roofline, latest runs and verdicts as one self-contained HTML file.") { url, outFile, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(url)!;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var agent) || agent.Scheme is not ("http" or "https"))
            {
                return AgentCli.Usage(error, "report", $"--url '{text}' is not an http(s) URL; e.g. --url {RunCommand.DefaultUrls}");
            }

            var seconds = parse.GetValue(timeout);
            if (!(seconds > 0 && seconds <= 3600))
            {
                return AgentCli.Usage(error, "report", $"--timeout {seconds} is outside 0..3600 seconds");
            }

            var summary = new Uri(agent, "api/summary");
            ProfileSnapshot? snapshot;
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(seconds) })
            {
                try
                {
                    using var response = await http.GetAsync(summary, cancellationToken).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        await error.WriteLineAsync($"aiprofiler: {summary} answered {(int)response.StatusCode} {response.ReasonPhrase}; is this an AiProfiler agent? Pass its address with --url").ConfigureAwait(false);
                        return AgentCli.Failure;
                    }

                    snapshot = await response.Content.ReadFromJsonAsync<ProfileSnapshot>(ProfileSnapshotJson.Options, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex)
                {
                    await error.WriteLineAsync($"aiprofiler: cannot reach the agent at {agent}: {ex.Message}; start it with `aiprofiler run` or pass its address with --url").ConfigureAwait(false);
                    return AgentCli.Failure;
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await error.WriteLineAsync($"aiprofiler: the agent at {agent} did not answer within {seconds} s; check it runs or raise --timeout").ConfigureAwait(false);
                    return AgentCli.Failure;
                }
                catch (JsonException ex)
                {
                    await error.WriteLineAsync($"aiprofiler: {summary} did not answer with an AiProfiler summary ({ex.Message}); is this an AiProfiler agent of the same version?").ConfigureAwait(false);
                    return AgentCli.Failure;
                }
            }

            if (snapshot is null)
            {
                await error.WriteLineAsync($"aiprofiler: {summary} answered an empty summary; is this an AiProfiler agent?").ConfigureAwait(false);
                return AgentCli.Failure;
            }

            var path = Path.GetFullPath(parse.GetValue(outFile)!);
            try
            {
                await File.WriteAllTextAsync(path, HtmlReportRenderer.Report(snapshot), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"aiprofiler: cannot write {path}: {ex.Message}; choose another --out").ConfigureAwait(false);
                return AgentCli.Failure;
            }

            await output.WriteLineAsync($"wrote {path}: {snapshot.Devices.Count} devices, {snapshot.Runs.Count} latest runs, {snapshot.Advice.Count} scenarios").ConfigureAwait(false);
            return AgentCli.Success;
        });
        return command;
    }
}

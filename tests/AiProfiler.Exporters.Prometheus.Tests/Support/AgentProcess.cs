using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace AiProfiler.Exporters.Prometheus.Tests.Support;

/// <summary>
/// The real agent (<c>aiprofiler run</c>) started as a process on 127.0.0.1 with a free port, with the bundled
/// plugins; its address is read from Kestrel's "Now listening on" line. Killed on dispose.
/// </summary>
internal sealed partial class AgentProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { Metadata("AgentAssembly"), "run", "--urls", "http://127.0.0.1:0", "--plugins", Metadata("PluginsDirectory") })
        {
            start.ArgumentList.Add(argument);
        }

        // The address comes from Kestrel's start-up line, whatever the shipped log levels say.
        start.Environment["AIPROFILER_Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (KeyValuePair<string, string> variable in environment)
        {
            start.Environment[variable.Key] = variable.Value;
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the agent.");
        process.OutputDataReceived += (_, e) => Receive(e.Data);
        process.ErrorDataReceived += (_, e) => Receive(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The agent exited before listening:\n" + Output));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', output);

    public Process Process => process;

    /// <summary>Starts the agent and waits until Kestrel listens.</summary>
    public static async Task<(AgentProcess Agent, HttpClient Client)> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var agent = new AgentProcess(environment ?? new Dictionary<string, string>());
        Uri address = await agent.listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return (agent, new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) });
    }

    /// <summary>Starts the agent for a run that is expected to fail, and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment)
    {
        await using var agent = new AgentProcess(environment);
        await agent.process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        agent.process.WaitForExit();
        return (agent.process.ExitCode, agent.Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static string Metadata(string key) =>
        typeof(AgentProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException("Missing assembly metadata " + key);

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        Match match = ListeningLine().Match(line);
        if (match.Success)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}

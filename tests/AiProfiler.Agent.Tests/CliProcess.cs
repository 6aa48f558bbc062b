using System.Diagnostics;

namespace AiProfiler.Agent.Tests;

/// <summary>
/// Runs the published command line as its own process and captures everything it prints, for what only a separate
/// process shows: the host's console log, environment variables, the working directory.
/// </summary>
internal sealed record CliProcess(int ExitCode, string Output, string Error)
{
    public static async Task<CliProcess> Run(IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repository.Root,
        };
        info.ArgumentList.Add(Repository.AgentDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"aiprofiler {string.Join(' ', args)} did not exit within 2 minutes:\n{await output}{await error}");
        }

        return new CliProcess(process.ExitCode, await output, await error);
    }
}

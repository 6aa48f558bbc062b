using System.Diagnostics;

namespace AiProfiler.Exporters.Prometheus.Tests.Support;

/// <summary>Runs a Debian-packaged tool (promtool) with stdin and a deadline, and captures what it prints.</summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static string Require(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing; install the Debian package 'prometheus' (it ships promtool too).");

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string? stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + file);
        using var deadline = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), deadline.Token);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {timeout.TotalSeconds} s.");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}

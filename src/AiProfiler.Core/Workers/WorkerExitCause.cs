using System.Globalization;

namespace AiProfiler.Core.Workers;

/// <summary>
/// Names why a worker process ended, from its exit status and the last lines it wrote to standard error, in the words a
/// plugin author searches for: <c>stack overflow</c>, <c>killed by the OOM killer</c>, <c>exit code 42</c>,
/// <c>signal SEGV</c>.
/// </summary>
internal static class WorkerExitCause
{
    private static readonly Dictionary<int, string> SignalNames = new()
    {
        [1] = "HUP", [2] = "INT", [3] = "QUIT", [4] = "ILL", [5] = "TRAP", [6] = "ABRT", [7] = "BUS", [8] = "FPE",
        [9] = "KILL", [11] = "SEGV", [13] = "PIPE", [14] = "ALRM", [15] = "TERM",
    };

    /// <summary>
    /// <paramref name="exitCode"/> as .NET reports it (128 + N for a process ended by signal N);
    /// <paramref name="oomKilled"/> when the kernel's OOM killer counted a kill while the worker ran.
    /// </summary>
    public static string Describe(int exitCode, IReadOnlyList<string> stderrTail, bool oomKilled)
    {
        ArgumentNullException.ThrowIfNull(stderrTail);
        var text = string.Join('\n', stderrTail);
        if (text.Contains("Stack overflow", StringComparison.Ordinal))
        {
            return "worker exited: stack overflow";
        }

        if (FailFastMessage(stderrTail) is { } failFast)
        {
            return $"worker exited: Environment.FailFast: {failFast}";
        }

        if (FirstAfter(stderrTail, "Unhandled exception. ") is { } unhandled)
        {
            return $"worker exited: unhandled exception on a plugin thread: {unhandled}";
        }

        if (text.Contains("OutOfMemory", StringComparison.Ordinal))
        {
            return "worker exited: out of memory (the worker's memory limit)";
        }

        if (exitCode > 128 && SignalNames.TryGetValue(exitCode - 128, out var signal))
        {
            return signal == "KILL" && oomKilled ? "worker exited: killed by the OOM killer" : $"worker exited: signal {signal}";
        }

        return string.Create(CultureInfo.InvariantCulture, $"worker exited: exit code {exitCode}");
    }

    /// <summary>
    /// The runtime prints <c>Process terminated.</c> and the FailFast message, on the same line or the next one
    /// (depending on the version, after <c>Message: </c>), then the stack.
    /// </summary>
    private static string? FailFastMessage(IReadOnlyList<string> lines)
    {
        const string Marker = "Process terminated.";
        for (var i = 0; i < lines.Count; i++)
        {
            var at = lines[i].IndexOf(Marker, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var message = lines[i][(at + Marker.Length)..].Trim();
            if (message.Length == 0 && i + 1 < lines.Count && !IsStackFrame(lines[i + 1]))
            {
                message = lines[i + 1].Trim();
            }

            return message.StartsWith("Message: ", StringComparison.Ordinal) ? message["Message: ".Length..] : message;
        }

        return null;
    }

    /// <summary>Stack frames are indented (<c>   at Type.Method()</c>); a message that merely starts with "at " is not.</summary>
    private static bool IsStackFrame(string line) =>
        line.Length > 0 && char.IsWhiteSpace(line[0]) && line.TrimStart().StartsWith("at ", StringComparison.Ordinal);

    private static string? FirstAfter(IReadOnlyList<string> lines, string prefix)
    {
        foreach (var line in lines)
        {
            var at = line.IndexOf(prefix, StringComparison.Ordinal);
            if (at >= 0)
            {
                return line[(at + prefix.Length)..].Trim();
            }
        }

        return null;
    }
}

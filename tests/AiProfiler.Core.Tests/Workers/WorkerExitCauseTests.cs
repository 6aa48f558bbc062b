using AiProfiler.Core.Workers;

namespace AiProfiler.Core.Tests.Workers;

public sealed class WorkerExitCauseTests
{
    [Theory]
    [InlineData(42, "", false, "worker exited: exit code 42")]
    [InlineData(139, "", false, "worker exited: signal SEGV")]
    [InlineData(137, "", true, "worker exited: killed by the OOM killer")]
    [InlineData(137, "", false, "worker exited: signal KILL")]
    [InlineData(134, "Stack overflow.\n   at Plugin.Recurse()", false, "worker exited: stack overflow")]
    [InlineData(134, "Process terminated.\nMessage: plugin gave up\n   at System.Environment.FailFast", false, "worker exited: Environment.FailFast: plugin gave up")]
    [InlineData(134, "Process terminated. plugin gave up\n   at System.Environment.FailFast(System.String)", false, "worker exited: Environment.FailFast: plugin gave up")]
    [InlineData(134, "Process terminated.\nplugin gave up\n   at System.Environment.FailFast(System.String)", false, "worker exited: Environment.FailFast: plugin gave up")]
    [InlineData(134, "Process terminated.\nat load\n   at System.Environment.FailFast(System.String)", false, "worker exited: Environment.FailFast: at load")]
    [InlineData(134, "Process terminated.\n   at System.Environment.FailFast(System.String)", false, "worker exited: Environment.FailFast: ")]
    [InlineData(134, "Unhandled exception. System.InvalidOperationException: from a plugin thread\n   at Plugin.Worker()", false, "worker exited: unhandled exception on a plugin thread: System.InvalidOperationException: from a plugin thread")]
    public void Describe_ExitStatusAndStderr_NamesTheCause(int exitCode, string stderr, bool oomKilled, string expected) =>
        Assert.Equal(expected, WorkerExitCause.Describe(exitCode, stderr.Split('\n'), oomKilled));
}

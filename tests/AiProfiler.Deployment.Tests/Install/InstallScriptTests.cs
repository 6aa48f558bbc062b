using AiProfiler.Deployment.Tests.Support;

namespace AiProfiler.Deployment.Tests.Install;

/// <summary>
/// install/linux/install.sh parses, and its argument and privilege checks answer with clear errors before it touches
/// anything. The install itself needs root and systemd and is not run here.
/// </summary>
public sealed class InstallScriptTests
{
    private static readonly string Script = Repository.PathOf("install", "linux", "install.sh");

    [Fact]
    public async Task BashSyntaxCheck_InstallScript_Passes()
    {
        var result = await ExternalCommand.RunAsync("bash", ["-n", Script]);

        Assert.True(result.ExitCode == 0, result.All);
    }

    [Fact]
    public void InstallScript_Header_UsesStrictMode()
    {
        var lines = File.ReadAllLines(Script);

        Assert.Equal("#!/usr/bin/env bash", lines[0]);
        Assert.Contains("set -euo pipefail", lines);
    }

    [Fact]
    public async Task Run_WithoutCommand_PrintsUsageAndExits2()
    {
        var result = await ExternalCommand.RunAsync("bash", [Script]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: install.sh install", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownCommand_NamesItAndExits2()
    {
        var result = await ExternalCommand.RunAsync("bash", [Script, "upgrade"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("install.sh: unknown command 'upgrade'; use install or uninstall", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_BadUrls_NamesTheValueAndAnExample()
    {
        var result = await ExternalCommand.RunAsync("bash", [Script, "install", "--urls", "localhost"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("install.sh: --urls 'localhost' is not an http(s) URL with a port; e.g. --urls http://0.0.0.0:9464", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_AsAnOrdinaryUser_AsksForRoot()
    {
        // As root, drop to nobody for this one run (setpriv is part of util-linux); as anyone else, run as is.
        var result = Environment.UserName == "root"
            ? await ExternalCommand.RunAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", Script, "install"])
            : await ExternalCommand.RunAsync("bash", [Script, "install"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("install.sh: must run as root; try: sudo ", result.Error, StringComparison.Ordinal);
    }
}

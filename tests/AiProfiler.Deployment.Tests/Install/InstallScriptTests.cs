using AiProfiler.Deployment.Tests.Support;

namespace AiProfiler.Deployment.Tests.Install;

/// <summary>
/// install/linux/install.sh parses, its argument and privilege checks answer with clear errors before it touches
/// anything, its dry run says what it would do, and an upgrade keeps third-party plugins. The install itself needs
/// root and systemd and is not run here; the function that clears the old install is run against a copy.
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

    [Fact]
    public async Task InstallDryRun_OverAnEarlierInstall_SaysWhatItWouldReplaceAndKeepsThirdPartyPlugins()
    {
        using var root = new TemporaryDirectory();
        var plugins = EarlierInstall(root.Path);
        Directory.CreateDirectory(System.IO.Path.Combine(root.Path, "etc", "aiprofiler"));
        File.WriteAllText(System.IO.Path.Combine(root.Path, "etc", "aiprofiler", "appsettings.json"), "{}");
        var before = Tree(root.Path);

        var result = await ExternalCommand.RunAsync("env", ["DESTDIR=" + root.Path, "bash", Script, "install", "--dry-run", "--no-start"]);

        Assert.True(result.ExitCode == 0, result.All);
        var prefix = System.IO.Path.Combine(root.Path, "opt", "aiprofiler");
        Assert.Equal(
        [
            "install.sh: dry run; nothing is changed",
            "install.sh: would publish the agent and the bundled plugins AiProfiler.Workloads.Attention AiProfiler.Workloads.FineTune AiProfiler.Workloads.Gemm AiProfiler.Workloads.Inference (dotnet publish -c Release)",
            $"install.sh: would replace the agent in {prefix} and the bundled plugin folders in {plugins}",
            $"install.sh: would keep {plugins}/Custom (not a bundled plugin)",
            $"install.sh: would keep {root.Path}/etc/aiprofiler/appsettings.json",
            $"install.sh: would write {root.Path}/etc/aiprofiler/environment (LISTEN_URLS=http://0.0.0.0:9464)",
            $"install.sh: would install {root.Path}/etc/systemd/system/aiprofiler.service and enable aiprofiler.service",
        ], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("system user", StringComparison.Ordinal)));
        Assert.Equal(before, Tree(root.Path));
    }

    [Fact]
    public async Task UninstallDryRun_WithoutPurge_KeepsThirdPartyPlugins()
    {
        using var root = new TemporaryDirectory();
        var plugins = EarlierInstall(root.Path);

        var result = await ExternalCommand.RunAsync("env", ["DESTDIR=" + root.Path, "bash", Script, "uninstall", "--dry-run"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains($"install.sh: would keep {plugins}/Custom (not a bundled plugin)", result.Output.Split('\n'));
    }

    [Fact]
    public async Task Upgrade_ClearingTheEarlierInstall_RemovesTheAgentAndBundledPluginsButKeepsThirdPartyOnes()
    {
        using var root = new TemporaryDirectory();
        var plugins = EarlierInstall(root.Path);

        // install runs remove_agent before copying the new agent in; run just that function on the copy.
        var result = await ExternalCommand.RunAsync("env", ["DESTDIR=" + root.Path, "bash", "-c", $"source '{Script}' && remove_agent bundled"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(["opt/aiprofiler/plugins/Custom/Custom.dll"], Tree(root.Path));
    }

    [Fact]
    public async Task Install_DestdirWithoutDryRun_Refused()
    {
        using var root = new TemporaryDirectory();

        var result = await ExternalCommand.RunAsync("env", ["DESTDIR=" + root.Path, "bash", Script, "install"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("install.sh: DESTDIR is only for --dry-run; unset it to install\n", result.Error);
    }

    /// <summary>
    /// What an earlier install left under <paramref name="root"/>: the agent, a bundled plugin, one that an older
    /// version bundled (listed in .bundled) and a user's own plugin. Returns the plugins folder.
    /// </summary>
    private static string EarlierInstall(string root)
    {
        var prefix = System.IO.Path.Combine(root, "opt", "aiprofiler");
        var plugins = System.IO.Path.Combine(prefix, "plugins");
        foreach (var folder in new[] { "AiProfiler.Workloads.Gemm", "Retired", "Custom" })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(plugins, folder));
            File.WriteAllText(System.IO.Path.Combine(plugins, folder, folder + ".dll"), "");
        }

        File.WriteAllText(System.IO.Path.Combine(plugins, ".bundled"), "AiProfiler.Workloads.Gemm\nRetired\n");
        File.WriteAllText(System.IO.Path.Combine(prefix, "aiprofiler"), "");
        return plugins;
    }

    private static string[] Tree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => System.IO.Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();
}

using System.Globalization;
using System.Text.RegularExpressions;
using AiProfiler.Deployment.Tests.Support;

namespace AiProfiler.Deployment.Tests.Install;

/// <summary>install/linux/aiprofiler.service: a unit systemd accepts, of Type=notify, hardened, and matching install.sh's paths.</summary>
public sealed partial class SystemdUnitTests
{
    private static readonly string UnitFile = Repository.PathOf("install", "linux", "aiprofiler.service");

    [Fact]
    public async Task SystemdAnalyzeVerify_ShippedUnit_ReportsNoProblem()
    {
        using var temp = new TemporaryDirectory();
        var unit = temp.File("aiprofiler.service");
        File.WriteAllText(unit, WithExistingExecutable());

        var result = await ExternalCommand.RunAsync("systemd-analyze", ["verify", unit]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.DoesNotMatch(VerifyWarning(), result.All);
    }

    [Fact]
    public async Task SystemdAnalyzeSecurity_ShippedUnit_RatesTheExposureOk()
    {
        using var temp = new TemporaryDirectory();
        var unit = temp.File("aiprofiler.service");
        File.WriteAllText(unit, WithExistingExecutable());

        var result = await ExternalCommand.RunAsync("systemd-analyze", ["security", "--offline=true", unit]);

        var match = ExposureLevel().Match(result.All);
        Assert.True(match.Success, result.All);
        var exposure = double.Parse(match.Groups["level"].Value, CultureInfo.InvariantCulture);
        Assert.True(exposure <= 2.5, $"exposure {exposure} (systemd rates up to 3.9 'OK', 10 'UNSAFE'):\n{result.All}");
    }

    [Fact]
    public void Unit_ServiceSection_IsNotifyTypeUnprivilegedAndRestartsOnFailure()
    {
        var service = Directives();

        Assert.Equal("notify", service["Type"].Single());
        Assert.Equal("aiprofiler", service["User"].Single());
        Assert.Equal("on-failure", service["Restart"].Single());
        Assert.Equal("yes", service["NoNewPrivileges"].Single());
        Assert.Equal("strict", service["ProtectSystem"].Single());
        Assert.Equal("yes", service["ProtectHome"].Single());
        Assert.Equal("yes", service["PrivateTmp"].Single());
        // The agent gives itself 4 s to stop; systemd must wait longer before it kills.
        Assert.True(int.Parse(service["TimeoutStopSec"].Single(), CultureInfo.InvariantCulture) > 4);
        // The .NET JIT needs writable executable memory.
        Assert.False(service.ContainsKey("MemoryDenyWriteExecute"));
        Assert.Contains(service["DeviceAllow"], d => d.StartsWith("char-nvidia-frontend", StringComparison.Ordinal));
    }

    [Fact]
    public void Unit_ExecStart_RunsThePublishedAgentWithTheConfigAndPluginsInstallShWrites()
    {
        var execStart = Directives()["ExecStart"].Single();
        var script = File.ReadAllText(Repository.PathOf("install", "linux", "install.sh"));

        Assert.StartsWith("/opt/aiprofiler/aiprofiler run ", execStart, StringComparison.Ordinal);
        Assert.Contains("--config /etc/aiprofiler/appsettings.json", execStart, StringComparison.Ordinal);
        Assert.Contains("--plugins /opt/aiprofiler/plugins", execStart, StringComparison.Ordinal);
        Assert.Contains("readonly PREFIX=${DESTDIR:-}/opt/aiprofiler", script, StringComparison.Ordinal);
        Assert.Contains("readonly CONFIG_DIR=${DESTDIR:-}/etc/aiprofiler", script, StringComparison.Ordinal);
        Assert.Contains("readonly SERVICE_USER=aiprofiler", script, StringComparison.Ordinal);
        // --config is layered over the appsettings.json beside the agent; install.sh moves that one aside.
        Assert.Contains("mv \"$PREFIX/appsettings.json\" \"$PREFIX/appsettings.default.json\"", script, StringComparison.Ordinal);
    }

    /// <summary>systemd-analyze verify insists that ExecStart's program exists; everything else is checked as shipped.</summary>
    private static string WithExistingExecutable()
    {
        var text = File.ReadAllText(UnitFile);
        Assert.Contains("ExecStart=/opt/aiprofiler/aiprofiler ", text, StringComparison.Ordinal);
        return text.Replace("ExecStart=/opt/aiprofiler/aiprofiler ", "ExecStart=/bin/true ", StringComparison.Ordinal);
    }

    private static Dictionary<string, List<string>> Directives()
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var section = "";
        foreach (var line in File.ReadAllLines(UnitFile).Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#'))
        {
            if (line.StartsWith('['))
            {
                section = line;
                continue;
            }

            if (section == "[Service]")
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                var key = line[..equals];
                if (!result.TryGetValue(key, out var values))
                {
                    result[key] = values = [];
                }

                values.Add(line[(equals + 1)..]);
            }
        }

        return result;
    }

    [GeneratedRegex("Unknown|ignoring|[Ii]nvalid|Failed|not executable")]
    private static partial Regex VerifyWarning();

    [GeneratedRegex(@"Overall exposure level for \S+: (?<level>[0-9.]+)")]
    private static partial Regex ExposureLevel();
}

using System.Diagnostics;
using System.Text.Json;

namespace AiProfiler.Agent.Tests.Cli;

public sealed class CalibrateCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "aiprofiler-calibrate-" + Guid.NewGuid().ToString("N"));

    public CalibrateCommandTests() => Directory.CreateDirectory(_folder);

    /// <summary>A configuration with a private cache folder and short passes, so a test calibrates in about a second.</summary>
    public string Config()
    {
        var path = Path.Combine(_folder, "config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            Calibration = new { Directory = Path.Combine(_folder, "state"), PassSeconds = 0.005, Repetitions = 3, BandwidthMiB = 4 },
        }));
        return path;
    }

    [Fact]
    public async Task Calibrate_ThenASecondProcess_ReadsTheCacheInsteadOfMeasuring()
    {
        var config = Config();
        var first = await CliRun.Invoke("calibrate", "--format", "json", "--config", config);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("calibration measured (asked to re-calibrate), saved to ", first.Error, StringComparison.Ordinal);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Repository.AgentDll, "calibrate", "--cached", "--format", "json", "--config", config })
        {
            info.ArgumentList.Add(arg);
        }

        using var second = Process.Start(info)!;
        var output = second.StandardOutput.ReadToEndAsync();
        var error = await second.StandardError.ReadToEndAsync();
        Assert.True(second.WaitForExit(TimeSpan.FromMinutes(2)), "the second process did not finish");

        Assert.True(second.ExitCode == 0, error);
        Assert.Contains("calibration read from ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("calibrating", error, StringComparison.Ordinal);
        using var measured = JsonDocument.Parse(first.Output);
        using var read = JsonDocument.Parse(await output);
        Assert.Equal(Fp32Median(measured), Fp32Median(read));
        Assert.Equal(measured.RootElement.GetProperty("measuredAt").GetString(), read.RootElement.GetProperty("measuredAt").GetString());
    }

    [Fact]
    public async Task Devices_AfterCalibration_ShowsDatasheetAndCalibratedSideBySide()
    {
        var config = Config();
        var before = await CliRun.Invoke("devices", "--config", config);
        Assert.Contains("not calibrated on this machine yet: run `aiprofiler calibrate`", before.Output, StringComparison.Ordinal);
        await CliRun.Invoke("calibrate", "--config", config);

        var after = await CliRun.Invoke("devices", "--config", config);

        Assert.Equal(0, after.ExitCode);
        var lines = after.Output.Split('\n');
        Assert.Matches(@"\| datasheet GFLOP/s +\| calibrated GFLOP/s +\|", lines[0]);
        // The calibrated cell is "median (low–high, N runs)".
        Assert.Matches(@"^\| cpu .*\| [\d.]+ +\| [\d.]+ \([\d.]+–[\d.]+, 3 runs\)", lines.Single(l => l.StartsWith("| cpu ", StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static double Fp32Median(JsonDocument calibration) => calibration.RootElement.GetProperty("devices").EnumerateArray()
        .Single(d => d.GetProperty("deviceId").GetString() == "cpu").GetProperty("compute").EnumerateArray()
        .Single(c => c.GetProperty("precision").GetString() == "fp32").GetProperty("measured").GetProperty("median").GetDouble();
}
